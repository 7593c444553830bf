/*
 * Zero-copy transfers for @ftpkit/native: sendfile(2) from an open file into a plain TCP
 * socket (downloads), and splice(2) from the socket through a pipe into the file
 * (uploads), so that the bytes never enter JavaScript.
 *
 * JavaScript drives the loop (transfer.ts). Every step works on the addon's own
 * duplicates of the socket's and the file's descriptors, so a socket or file the caller
 * closes meanwhile never turns into another descriptor under a step (another client's
 * socket, another file), and the connection stays open until the addon lets go of it.
 *
 *  - sendChunk and receiveChunk run on the libuv thread pool: non-blocking calls until
 *    the step's bytes moved, the socket stays full (send) or empty (receive) for
 *    BRIEF_WAIT_MS, the file or the data ended, or an error came. A cold disk waits there,
 *    never on the event loop.
 *  - waitWritable and waitReadable wait for a socket on the event loop: one epoll set per
 *    environment holds the waiting sockets, and one uv_poll watches that set's own
 *    descriptor (libuv keeps one watcher per descriptor, so the socket itself cannot be
 *    given a second one). The callback runs through napi_make_callback, so the promise
 *    reactions it causes run at once.
 *
 * A file whose file system will not take part (sendfile or splice fails with EINVAL,
 * ENOSYS or EOPNOTSUPP) ends the step with `refused` instead of an error, after a receive
 * has stored by pwrite(2) the bytes it had taken from the socket: the caller carries on
 * with read and write from there.
 *
 * Linux only (sendfile and splice with sockets, epoll); elsewhere the functions are left
 * out and callers keep streaming. uv.h is libuv's 1.x interface, which keeps its ABI
 * across the Node releases this one build loads in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native.h"

#ifdef __linux__
#include <poll.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <uv.h>

/*
 * Most bytes one sendfile(2) call is asked to move. Linux takes up to 0x7ffff000, but on
 * loopback a call of many MiB runs for milliseconds and RETR of 1 GiB then ran 10-20 %
 * below pyftpdlib's 64 KiB calls; 256 KiB calls were level with it (the step's size and
 * waits are unchanged, so the extra calls cost a few microseconds per MiB).
 */
#define SENDFILE_MAX (256L * 1024)
#define MAX_CHUNK (1L << 30)
/* Pipe capacity asked for a receive (the unprivileged maximum by default). */
#define PIPE_BYTES (1L << 20)
/* How long a step waits in its thread for the socket to be ready again. */
#define BRIEF_WAIT_MS 2

typedef struct Waiter {
  int fd;
  napi_ref callback;
  struct Waiter *next;
} Waiter;

/* Per environment: the epoll set of sockets waiting for room or data, watched on the event loop. */
typedef struct {
  napi_env env;
  int epfd;
  uv_poll_t *poll;
  napi_async_context context;
  Waiter *waiters;
} Waits;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int sock;
  int file;
  off_t offset;
  long max;
  /* How long to wait in place for the socket (0 on the main thread). */
  int brief_ms;
  /* results */
  long sent;
  int again;
  int eof;
  int err;
  /* The errno with which the file refused sendfile or splice (see refusal); 0 if it did not. */
  int refused;
  const char *syscall;
} Chunk;

/*
 * Whether `err` from sendfile(2) or splice(2) means that this file's file system does not
 * move bytes that way (some FUSE and network file systems), rather than a failure of the
 * transfer: the caller then carries on through read and write.
 */
static bool refusal(int err) {
  return err == EINVAL || err == ENOSYS || err == EOPNOTSUPP;
}

/* Write the `left` bytes waiting in the pipe into the file at c->offset by read and pwrite. */
static int drain_pipe(int pipe_read, Chunk *c, ssize_t left) {
  char buffer[65536];
  while (left > 0) {
    ssize_t n = read(pipe_read, buffer, (size_t)(left < (ssize_t)sizeof(buffer) ? left : (ssize_t)sizeof(buffer)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n == 0 ? EIO : errno;
    for (ssize_t done = 0; done < n;) {
      ssize_t m = pwrite(c->file, buffer + done, (size_t)(n - done), c->offset);
      if (m < 0 && errno == EINTR) continue;
      if (m <= 0) return m == 0 ? EIO : errno;
      done += m;
      c->offset += m;
    }
    left -= n;
  }
  return 0;
}

static void close_poll(uv_handle_t *handle) {
  free(handle);
}

static void finalize_waits(napi_env env, void *data, void *hint) {
  (void)hint;
  Waits *s = data;
  while (s->waiters) {
    Waiter *w = s->waiters;
    s->waiters = w->next;
    napi_delete_reference(env, w->callback);
    free(w);
  }
  if (s->poll) {
    uv_poll_stop(s->poll);
    uv_close((uv_handle_t *)s->poll, close_poll);
  }
  if (s->context) napi_async_destroy(env, s->context);
  if (s->epfd >= 0) close(s->epfd);
  free(s);
}

static Waiter *take_waiter(Waits *s, int fd) {
  for (Waiter **link = &s->waiters; *link; link = &(*link)->next) {
    if ((*link)->fd == fd) {
      Waiter *w = *link;
      *link = w->next;
      epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
      return w;
    }
  }
  return NULL;
}

/* Call a waiter's callback with `ready` and forget it. */
static void settle_waiter(Waits *s, Waiter *w, bool ready) {
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, global, arg, result;
  if (napi_get_reference_value(env, w->callback, &callback) == napi_ok && callback &&
      napi_get_global(env, &global) == napi_ok && napi_get_boolean(env, ready, &arg) == napi_ok) {
    napi_make_callback(env, s->context, global, callback, 1, &arg, &result);
  }
  napi_delete_reference(env, w->callback);
  free(w);
  napi_close_handle_scope(env, scope);
}

/* The epoll set has ready sockets: wake each one's waiter. */
static void on_ready(uv_poll_t *handle, int status, int events) {
  (void)status;
  (void)events;
  Waits *s = handle->data;
  struct epoll_event ready[64];
  int n = epoll_wait(s->epfd, ready, 64, 0);
  for (int i = 0; i < n; i++) {
    Waiter *w = take_waiter(s, ready[i].data.fd);
    if (w) settle_waiter(s, w, true);
  }
}

static Waits *waits_of(napi_env env) {
  Waits *s = NULL;
  if (napi_get_instance_data(env, (void **)&s) == napi_ok && s) return s;
  s = calloc(1, sizeof(Waits));
  if (!s) return NULL;
  s->env = env;
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  s->poll = calloc(1, sizeof(uv_poll_t));
  uv_loop_t *loop = NULL;
  napi_value name;
  if (s->epfd < 0 || !s->poll || napi_get_uv_event_loop(env, &loop) != napi_ok ||
      uv_poll_init(loop, s->poll, s->epfd) != 0) {
    free(s->poll);
    s->poll = NULL;
    finalize_waits(env, s, NULL);
    return NULL;
  }
  s->poll->data = s;
  uv_unref((uv_handle_t *)s->poll); /* the sockets keep the process alive, not this */
  if (napi_create_string_utf8(env, "ftpkit:transfer-wait", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, NULL, name, &s->context) != napi_ok ||
      uv_poll_start(s->poll, UV_READABLE, on_ready) != 0 ||
      napi_set_instance_data(env, s, finalize_waits, NULL) != napi_ok) {
    finalize_waits(env, s, NULL);
    return NULL;
  }
  return s;
}

static bool int_arg(napi_env env, napi_value value, int *out) {
  int32_t v;
  if (napi_get_value_int32(env, value, &v) != napi_ok || v < 0) return false;
  *out = v;
  return true;
}

/*
 * The addon's own duplicate of the descriptor argv[0], after checking what it is: a
 * non-blocking socket (a blocking one would hold a thread-pool thread for as long as the
 * client is slow) or a regular file.
 */
static napi_value dup_checked(napi_env env, napi_callback_info info, bool socket, const char *what) {
  size_t argc = 1;
  napi_value argv[1], result;
  int fd;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !int_arg(env, argv[0], &fd)) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    napi_throw(env, ftpkit_errno_error(env, errno, "fstat"));
    return NULL;
  }
  int flags = fcntl(fd, F_GETFL);
  int refused = 0;
  if (socket && !S_ISSOCK(st.st_mode)) refused = ENOTSOCK;
  else if (socket && (flags < 0 || !(flags & O_NONBLOCK))) refused = EINVAL;
  else if (!socket && !S_ISREG(st.st_mode)) refused = EINVAL;
  if (refused) {
    napi_throw(env, ftpkit_errno_error(env, refused, what));
    return NULL;
  }
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    napi_throw(env, ftpkit_errno_error(env, errno, "dup"));
    return NULL;
  }
  NAPI_CALL(env, napi_create_int32(env, copy, &result));
  return result;
}

/* dupSocket(fd): the addon's own descriptor of a connected, non-blocking socket. */
static napi_value dup_socket(napi_env env, napi_callback_info info) {
  return dup_checked(env, info, true, "dupSocket(fd)");
}

/* dupFile(fd): the addon's own descriptor of an open regular file. */
static napi_value dup_file(napi_env env, napi_callback_info info) {
  return dup_checked(env, info, false, "dupFile(fd)");
}

/* End the wait of the socket named by argv[0], if any, with callback(false); returns the descriptor or -1. */
static int cancel_wait_of(napi_env env, napi_callback_info info, const char *what) {
  size_t argc = 1;
  napi_value argv[1];
  int fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !int_arg(env, argv[0], &fd)) {
    napi_throw_type_error(env, NULL, what);
    return -1;
  }
  Waits *s = NULL;
  if (napi_get_instance_data(env, (void **)&s) == napi_ok && s) {
    Waiter *w = take_waiter(s, fd);
    if (w) settle_waiter(s, w, false);
  }
  return fd;
}

/* cancelWait(fd): end the socket's wait, if any, with callback(false). */
static napi_value cancel_wait(napi_env env, napi_callback_info info) {
  cancel_wait_of(env, info, "cancelWait(fd)");
  return NULL;
}

/* closeFd(fd): close a descriptor from dupSocket or dupFile (a socket's wait is cancelled). */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  int fd = cancel_wait_of(env, info, "closeFd(fd)");
  if (fd >= 0) close(fd);
  return NULL;
}

/*
 * Whether the socket becomes ready within BRIEF_WAIT_MS. A client keeping up makes the
 * socket ready again within microseconds; waiting that long here saves a round trip
 * through the event loop, and a slow client holds the thread no longer than this.
 */
static bool briefly_ready(int fd, short events, int ms) {
  if (ms <= 0) return false;
  struct pollfd p = {.fd = fd, .events = events};
  return poll(&p, 1, ms) > 0;
}

/*
 * After sendfile or splice on the socket failed with `err`: whether the step goes on
 * (interrupted, or the socket became ready for `events` within the brief wait), or else
 * why it ends (`again`, `refused` or `err`).
 */
static bool carry_on(Chunk *c, int err, short events) {
  if (err == EINTR) return true;
  if (err == EAGAIN || err == EWOULDBLOCK) {
    if (briefly_ready(c->sock, events, c->brief_ms)) return true;
    c->again = 1;
  } else if (refusal(err)) {
    c->refused = err;
  } else {
    c->err = err;
  }
  return false;
}

static void execute_send(napi_env env, void *data) {
  (void)env;
  Chunk *c = data;
  while (c->sent < c->max) {
    long want = c->max - c->sent;
    ssize_t n = sendfile(c->sock, c->file, &c->offset, (size_t)(want < SENDFILE_MAX ? want : SENDFILE_MAX));
    if (n > 0) {
      c->sent += n;
    } else if (n == 0) {
      c->eof = 1;
      return;
    } else if (!carry_on(c, errno, POLLOUT)) {
      return;
    }
  }
}

/* Receive step: splice(2) socket → pipe → file, so the bytes never leave the kernel. */
static void execute_receive(napi_env env, void *data) {
  (void)env;
  Chunk *c = data;
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    c->err = errno;
    return;
  }
  if (c->max > 65536) fcntl(pipefd[1], F_SETPIPE_SZ, PIPE_BYTES); /* best effort: fewer, larger splices */
  while (c->sent < c->max) {
    long want = c->max - c->sent;
    ssize_t n = splice(c->sock, NULL, pipefd[1], NULL, (size_t)(want < PIPE_BYTES ? want : PIPE_BYTES), SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      /* Empty the pipe into the file before reading more, so a failure loses nothing unsaid. */
      for (ssize_t left = n; left > 0;) {
        ssize_t m = splice(pipefd[0], NULL, c->file, &c->offset, (size_t)left, SPLICE_F_MOVE);
        if (m > 0) {
          left -= m;
        } else if (m < 0 && errno == EINTR) {
          continue;
        } else if (m < 0 && refusal(errno)) {
          /* The bytes are out of the socket already: store them by write, then stop. */
          c->refused = errno;
          c->err = drain_pipe(pipefd[0], c, left);
          if (!c->err) c->sent += n;
          goto done;
        } else {
          c->err = m == 0 ? EIO : errno;
          goto done;
        }
      }
      c->sent += n;
    } else if (n == 0) {
      c->eof = 1;
      break;
    } else if (!carry_on(c, errno, POLLIN | POLLRDHUP)) {
      break; /* a refusal here took nothing from the socket */
    }
  }
done:
  close(pipefd[0]);
  close(pipefd[1]);
}

/*
 * A finished step as { sent, again, eof, refused }, or NULL (with c->err set) when that
 * fails; `refused` is the errno name with which the file refused, or undefined.
 */
static napi_value step_result(napi_env env, Chunk *c) {
  napi_value result, sent, again, eof, refused;
  napi_status status = c->refused ? napi_create_string_utf8(env, ftpkit_errno_name(c->refused), NAPI_AUTO_LENGTH, &refused)
                                  : napi_get_undefined(env, &refused);
  if (status == napi_ok && napi_create_object(env, &result) == napi_ok && napi_create_double(env, (double)c->sent, &sent) == napi_ok &&
      napi_get_boolean(env, c->again, &again) == napi_ok && napi_get_boolean(env, c->eof, &eof) == napi_ok &&
      napi_set_named_property(env, result, "sent", sent) == napi_ok &&
      napi_set_named_property(env, result, "again", again) == napi_ok &&
      napi_set_named_property(env, result, "eof", eof) == napi_ok &&
      napi_set_named_property(env, result, "refused", refused) == napi_ok) {
    return result;
  }
  c->err = ENOMEM;
  return NULL;
}

static void complete_chunk(napi_env env, napi_status status, void *data) {
  Chunk *c = data;
  if (status != napi_ok && !c->err) c->err = ECANCELED;
  napi_value result = c->err ? NULL : step_result(env, c);
  if (result) {
    napi_resolve_deferred(env, c->deferred, result);
  } else {
    napi_reject_deferred(env, c->deferred, ftpkit_errno_error(env, c->err, c->syscall));
  }
  napi_delete_async_work(env, c->work);
  free(c);
}

/* The arguments (socket, file, offset, max) of a step, or false with an exception thrown. */
static bool chunk_args(napi_env env, napi_callback_info info, Chunk *c, const char *what) {
  size_t argc = 4;
  napi_value argv[4];
  int64_t offset, max;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || !int_arg(env, argv[0], &c->sock) ||
      !int_arg(env, argv[1], &c->file) || napi_get_value_int64(env, argv[2], &offset) != napi_ok || offset < 0 ||
      napi_get_value_int64(env, argv[3], &max) != napi_ok || max < 1 || max > MAX_CHUNK) {
    napi_throw_type_error(env, NULL, what);
    return false;
  }
  c->offset = (off_t)offset;
  c->max = (long)max;
  return true;
}

/* Queue one step (send or receive) on the thread pool; resolves with { sent, again, eof, refused }. */
static napi_value start_chunk(napi_env env, napi_callback_info info, napi_async_execute_callback execute, const char *what) {
  napi_value promise, name;
  Chunk *c = calloc(1, sizeof(Chunk));
  if (!c) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  if (!chunk_args(env, info, c, what)) {
    free(c);
    return NULL;
  }
  c->brief_ms = BRIEF_WAIT_MS;
  c->syscall = execute == execute_send ? "sendfile" : "splice";
  if (napi_create_promise(env, &c->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, c->syscall, NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute, complete_chunk, c, &c->work) != napi_ok) {
    free(c);
    napi_throw_error(env, NULL, "could not start the step");
    return NULL;
  }
  NAPI_CALL(env, napi_queue_async_work(env, c->work));
  return promise;
}

/*
 * sendChunk(socket, file, offset, max): sends up to `max` bytes of `file` from `offset`
 * into the socket; `again` when the socket stayed full, `eof` when the file ended,
 * `refused` when the file takes no sendfile. Rejects with a Node-style system error
 * (EPIPE, ECONNRESET, ...).
 */
static napi_value send_chunk(napi_env env, napi_callback_info info) {
  return start_chunk(env, info, execute_send, "sendChunk(socket, file, offset >= 0, max from 1 to 2^30)");
}

/*
 * receiveChunk(socket, file, offset, max): stores up to `max` bytes from the socket into
 * `file` at `offset`; `again` when the socket stayed empty, `eof` when the client ended
 * the data, `refused` when the file takes no splice (the bytes read are stored all the
 * same). Rejects with a Node-style system error (ENOSPC, ECONNRESET, ...).
 */
static napi_value receive_chunk(napi_env env, napi_callback_info info) {
  return start_chunk(env, info, execute_receive, "receiveChunk(socket, file, offset >= 0, max from 1 to 2^30)");
}

/*
 * receiveChunkSync(socket, file, offset, max): receiveChunk on the calling thread, never
 * waiting for the socket: for an upload's first bytes, where a thread-pool round trip
 * costs more than the few calls of a small file. Returns { sent, again, eof, refused } or throws.
 */
static napi_value receive_chunk_sync(napi_env env, napi_callback_info info) {
  Chunk c = {.syscall = "splice"};
  if (!chunk_args(env, info, &c, "receiveChunkSync(socket, file, offset >= 0, max from 1 to 2^30)")) return NULL;
  execute_receive(env, &c);
  napi_value result = c.err ? NULL : step_result(env, &c);
  if (!result) napi_throw(env, ftpkit_errno_error(env, c.err, c.syscall));
  return result;
}

/*
 * Start waiting until `fd` is ready (`events`: EPOLLOUT for room, EPOLLIN for data), then
 * call `callback(true)` (also when the socket failed: the next step then reports why),
 * or `callback(false)` when cancelWait or closeFd comes first. One wait per socket.
 */
static napi_value wait_ready(napi_env env, napi_callback_info info, uint32_t events, const char *what) {
  size_t argc = 2;
  napi_value argv[2];
  int fd;
  napi_valuetype type;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || !int_arg(env, argv[0], &fd) || napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  Waits *s = waits_of(env);
  if (!s) {
    napi_throw(env, ftpkit_errno_error(env, errno ? errno : ENOMEM, "epoll_create1"));
    return NULL;
  }
  for (Waiter *w = s->waiters; w; w = w->next) {
    if (w->fd == fd) {
      napi_throw_error(env, NULL, "this socket is already waited for");
      return NULL;
    }
  }
  Waiter *w = calloc(1, sizeof(Waiter));
  if (!w) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  w->fd = fd;
  struct epoll_event event = {.events = events | EPOLLONESHOT, .data = {.fd = fd}};
  if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &event) != 0) {
    int err = errno;
    free(w);
    napi_throw(env, ftpkit_errno_error(env, err, "epoll_ctl"));
    return NULL;
  }
  if (napi_create_reference(env, argv[1], 1, &w->callback) != napi_ok) {
    epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
    free(w);
    napi_throw_error(env, NULL, "could not keep the callback");
    return NULL;
  }
  w->next = s->waiters;
  s->waiters = w;
  return NULL;
}

/* waitWritable(socket, callback): callback(true) once the socket has room; see wait_ready. */
static napi_value wait_writable(napi_env env, napi_callback_info info) {
  return wait_ready(env, info, EPOLLOUT, "waitWritable(socket, callback)");
}

/* waitReadable(socket, callback): callback(true) once the socket has data or ended; see wait_ready. */
static napi_value wait_readable(napi_env env, napi_callback_info info) {
  return wait_ready(env, info, EPOLLIN | EPOLLRDHUP, "waitReadable(socket, callback)");
}

napi_status ftpkit_init_transfer(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"dupSocket", NULL, dup_socket, NULL, NULL, NULL, napi_default, NULL},
      {"dupFile", NULL, dup_file, NULL, NULL, NULL, napi_default, NULL},
      {"closeFd", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
      {"cancelWait", NULL, cancel_wait, NULL, NULL, NULL, napi_default, NULL},
      {"sendChunk", NULL, send_chunk, NULL, NULL, NULL, napi_default, NULL},
      {"waitWritable", NULL, wait_writable, NULL, NULL, NULL, napi_default, NULL},
      {"waitReadable", NULL, wait_readable, NULL, NULL, NULL, napi_default, NULL},
      {"receiveChunk", NULL, receive_chunk, NULL, NULL, NULL, napi_default, NULL},
      {"receiveChunkSync", NULL, receive_chunk_sync, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

#else

napi_status ftpkit_init_transfer(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
