/** What a logged-in user may do, and the presets hosts give users. */
/** What a logged-in user may do. Every flag defaults to `true`. */
export interface Permissions {
  /** LIST, NLST, MLSD, MLST, STAT path, SIZE, MDTM, AVBL, CWD, CDUP. */
  list: boolean;
  /** RETR. */
  read: boolean;
  /** STOR, STOU (new files and overwrites), REST+STOR. */
  write: boolean;
  /** APPE. */
  append: boolean;
  /** DELE. */
  delete: boolean;
  /** RNFR/RNTO. */
  rename: boolean;
  /** MKD. */
  mkdir: boolean;
  /** RMD. */
  rmdir: boolean;
  /** SITE CHMOD. */
  chmod: boolean;
  /** MFMT. */
  setTime: boolean;
}

/** Permissions of a user that may list and download but change nothing. */
export const READ_ONLY: Permissions = Object.freeze({
  list: true,
  read: true,
  write: false,
  append: false,
  delete: false,
  rename: false,
  mkdir: false,
  rmdir: false,
  chmod: false,
  setTime: false,
});

/** Permissions of a user that may do everything. */
export const FULL_ACCESS: Permissions = Object.freeze({
  list: true,
  read: true,
  write: true,
  append: true,
  delete: true,
  rename: true,
  mkdir: true,
  rmdir: true,
  chmod: true,
  setTime: true,
});

/** Permissions of a drop box: upload and create directories, but never list or read. */
export const WRITE_ONLY: Permissions = Object.freeze({
  list: false,
  read: false,
  write: true,
  append: true,
  delete: false,
  rename: false,
  mkdir: true,
  rmdir: false,
  chmod: false,
  setTime: false,
});

/** Permissions that allow nothing at all. */
export const NO_ACCESS: Permissions = Object.freeze({
  list: false,
  read: false,
  write: false,
  append: false,
  delete: false,
  rename: false,
  mkdir: false,
  rmdir: false,
  chmod: false,
  setTime: false,
});
