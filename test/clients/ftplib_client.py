"""Drive an FTP server with Python's ftplib and print what it saw as JSON.

Usage: ftplib_client.py PORT USER PASSWORD LOCAL_DIR REMOTE_DIR [active]

FTPLIB_SOURCE_ADDRESS in the environment binds every connection (control and data) to
that local address, as a client on another host would be seen.

LOCAL_DIR holds big.bin (uploaded with storbinary) and text.txt (uploaded with
storlines, TYPE A). Downloads are written back into LOCAL_DIR for the caller to compare.
"""
import ftplib
import io
import json
import os
import sys


def main():
    port, user, password, local, remote = sys.argv[1:6]
    active = len(sys.argv) > 6 and sys.argv[6] == "active"
    out = {}
    source = os.environ.get("FTPLIB_SOURCE_ADDRESS")
    ftp = ftplib.FTP(source_address=(source, 0) if source else None)
    ftp.encoding = "utf-8"
    ftp.connect("127.0.0.1", int(port), timeout=20)
    out["welcome"] = ftp.getwelcome()
    ftp.login(user, password)
    ftp.set_pasv(not active)

    out["mkd"] = ftp.mkd(remote)
    ftp.cwd(remote)
    out["pwd"] = ftp.pwd()

    with open(os.path.join(local, "big.bin"), "rb") as f:
        out["storbinary"] = ftp.storbinary("STOR big.bin", f)
    with open(os.path.join(local, "text.txt"), "rb") as f:
        out["storlines"] = ftp.storlines("STOR text.txt", f)
    out["size"] = ftp.size("big.bin")

    with open(os.path.join(local, "big.down"), "wb") as f:
        out["retrbinary"] = ftp.retrbinary("RETR big.bin", f.write)
    with open(os.path.join(local, "big.rest"), "wb") as f:
        ftp.retrbinary("RETR big.bin", f.write, rest=1000)
    lines = []
    ftp.retrlines("RETR text.txt", lines.append)
    out["retrlines"] = lines

    ftp.mkd("sub dir")
    name = "ünï -dash \"q\".txt"
    ftp.storbinary("STOR " + name, io.BytesIO(b"odd name"))
    out["nlst"] = sorted(ftp.nlst())
    out["mlsd"] = {n: facts for n, facts in ftp.mlsd(facts=["type", "size", "modify", "perm"])}
    out["mdtm"] = ftp.voidcmd("MDTM big.bin")

    out["rename"] = ftp.rename(name, "renamed.txt")
    buf = io.BytesIO()
    ftp.retrbinary("RETR renamed.txt", buf.write)
    out["renamed_content"] = buf.getvalue().decode()
    out["delete"] = ftp.delete("renamed.txt")
    out["rmd"] = ftp.rmd("sub dir")
    try:
        ftp.delete("renamed.txt")
        out["delete_missing"] = "no error"
    except ftplib.error_perm as err:
        out["delete_missing"] = str(err)
    out["nlst_after"] = sorted(ftp.nlst())
    out["quit"] = ftp.quit()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
