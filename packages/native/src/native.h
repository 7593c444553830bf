/* Shared declarations of the @ftpkit/native addon's source files. */
#ifndef FTPKIT_NATIVE_H
#define FTPKIT_NATIVE_H

#define NAPI_VERSION 8
#include <node_api.h>

/* Return NULL from a callback when a Node-API call fails (an exception is pending or thrown). */
#define NAPI_CALL(env, call)                                      \
  do {                                                            \
    if ((call) != napi_ok) {                                      \
      const napi_extended_error_info *info_;                      \
      bool pending_;                                              \
      napi_get_last_error_info((env), &info_);                    \
      napi_is_exception_pending((env), &pending_);                \
      if (!pending_) napi_throw_error((env), NULL, info_->error_message ? info_->error_message : "Node-API call failed"); \
      return NULL;                                                \
    }                                                             \
  } while (0)

/* The name Node gives an errno value ('ENOENT'), or "UNKNOWN". */
const char *ftpkit_errno_name(int err);

/* An Error like Node's system errors: message, code ('ENOENT'), errno (negative), syscall. */
napi_value ftpkit_errno_error(napi_env env, int err, const char *syscall);

/* An async work body with nothing to do off the main thread. */
void ftpkit_noop_execute(napi_env env, void *data);

/* Adds openDir, readBatch, closeDir and listFields to exports. */
napi_status ftpkit_init_listing(napi_env env, napi_value exports);

/* Adds dupSocket, dupFile, closeFd, cancelWait, sendChunk, receiveChunk, receiveChunkSync, waitWritable and waitReadable to exports (Linux only). */
napi_status ftpkit_init_transfer(napi_env env, napi_value exports);

/* Adds openBeneath to exports (Linux with openat2 only). */
napi_status ftpkit_init_lookup(napi_env env, napi_value exports);

#endif
