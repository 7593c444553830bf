/*
 * @ftpkit/native: the addon's entry point and the helpers its parts share. Built against
 * Node-API (version 8), so one build loads in every Node release that supports it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "native.h"

/* errno names as Node reports them; fs-local maps them to FsError codes. */
const char *ftpkit_errno_name(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EIO: return "EIO";
    case ENOMEM: return "ENOMEM";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EOVERFLOW: return "EOVERFLOW";
    case ESTALE: return "ESTALE";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case ECANCELED: return "ECANCELED";
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ENOTCONN: return "ENOTCONN";
    case ENOTSOCK: return "ENOTSOCK";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EEXIST: return "EEXIST";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EXDEV: return "EXDEV";
    case E2BIG: return "E2BIG";
    case ENXIO: return "ENXIO";
    case ENODEV: return "ENODEV";
    case ETXTBSY: return "ETXTBSY";
    case EISDIR: return "EISDIR";
    default: return "UNKNOWN";
  }
}

napi_value ftpkit_errno_error(napi_env env, int err, const char *syscall) {
  const char *code = ftpkit_errno_name(err);
  char text[160];
  snprintf(text, sizeof(text), "%s: %s, %s", code, strerror(err), syscall);
  napi_value message, code_value, error, errno_value, syscall_value;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value) != napi_ok) return NULL;
  if (napi_create_error(env, code_value, message, &error) != napi_ok) return NULL;
  if (napi_create_int32(env, -err, &errno_value) == napi_ok) napi_set_named_property(env, error, "errno", errno_value);
  if (napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value) == napi_ok) {
    napi_set_named_property(env, error, "syscall", syscall_value);
  }
  return error;
}

void ftpkit_noop_execute(napi_env env, void *data) {
  (void)env;
  (void)data;
}

static napi_value init(napi_env env, napi_value exports) {
  if (ftpkit_init_listing(env, exports) != napi_ok) return NULL;
  if (ftpkit_init_transfer(env, exports) != napi_ok) return NULL;
  if (ftpkit_init_lookup(env, exports) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
