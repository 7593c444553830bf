/*
 * Path lookups confined to a directory for @ftpkit/native: openat2(2) with
 * RESOLVE_BENEATH, so the kernel itself refuses any path, `..` or symbolic link that
 * would leave the directory, in one system call (fs-local's jail otherwise opens the path
 * and reads the real path back through /proc to check it).
 *
 * openBeneath(dirfd, path, flags) returns an O_PATH descriptor of `path` (relative to
 * dirfd), openBeneathFile(dirfd, path, flags) one opened with exactly `flags` (O_RDONLY
 * | O_NONBLOCK, say: a small download reads it at once), or either throws a Node-style
 * errno error: EXDEV when the lookup would leave dirfd (an
 * absolute link or one climbing out: the caller decides by the slow check), ELOOP for a
 * magic link (/proc), ENOSYS where the kernel predates openat2 (Linux 5.6). Linux only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "native.h"

#if defined(__linux__)
#include <sys/syscall.h>
#endif

#if defined(__linux__) && defined(SYS_openat2)
#include <linux/openat2.h>

/* A path lookup is shorter than this or is refused (PATH_MAX, with room for the NUL). */
#define MAX_PATH_BYTES 4096

/* Both functions; the callback data says whether O_PATH is added (non-NULL) or not. */
static napi_value open_beneath(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  void *add_path = NULL;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, &add_path));
  const char *usage = add_path ? "openBeneath(dirfd, path, flags)" : "openBeneathFile(dirfd, path, flags)";
  const char *not_string = add_path ? "openBeneath(dirfd, path, flags): path must be a string"
                                    : "openBeneathFile(dirfd, path, flags): path must be a string";
  int32_t dirfd = -1, flags = 0;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &dirfd) != napi_ok || napi_get_value_int32(env, argv[2], &flags) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  char path[MAX_PATH_BYTES];
  size_t length = 0;
  if (napi_get_value_string_utf8(env, argv[1], path, sizeof(path), &length) != napi_ok) {
    napi_throw_type_error(env, NULL, not_string);
    return NULL;
  }
  if (length >= sizeof(path) - 1 || strlen(path) != length) {
    napi_throw(env, ftpkit_errno_error(env, length >= sizeof(path) - 1 ? ENAMETOOLONG : EINVAL, "openat2"));
    return NULL;
  }
  struct open_how how;
  memset(&how, 0, sizeof(how));
  how.flags = (uint64_t)(uint32_t)flags | (add_path ? O_PATH : 0) | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    napi_throw(env, ftpkit_errno_error(env, errno, "openat2"));
    return NULL;
  }
  napi_value result;
  NAPI_CALL(env, napi_create_int32(env, (int32_t)fd, &result));
  return result;
}

static int add_o_path = 1;

napi_status ftpkit_init_lookup(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"openBeneath", NULL, open_beneath, NULL, NULL, NULL, napi_default, &add_o_path},
      {"openBeneathFile", NULL, open_beneath, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

#else

napi_status ftpkit_init_lookup(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
