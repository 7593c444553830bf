/*
 * Batched directory listings for @ftpkit/native.
 *
 * A reader opens a directory by a path that names it exactly (for fs-local's jail,
 * /proc/<pid>/fd/<n> of the directory it pinned), then each batch reads up to N names
 * and fstatat(2)s them relative to that open directory with AT_SYMLINK_NOFOLLOW, on the
 * libuv thread pool. A name is one component from readdir, so nothing is looked up
 * outside the opened directory and no link is followed: the same guarantee as lstat
 * through the pinned descriptor, at a fraction of the cost (no path walk through /proc,
 * no Stats object, one thread-pool round trip per batch instead of per entry).
 *
 * A batch comes back as one string of names, each ended by NUL, and one Float64Array
 * of FIELDS numbers per entry, so JavaScript builds its entries from two objects
 * rather than from thousands made here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native.h"

/* mode, size, nlink, uid, gid, mtime seconds, mtime nanoseconds */
#define FIELDS 7
#define MAX_BATCH 65536

#ifdef __APPLE__
#define MTIME_SEC(st) ((st).st_mtimespec.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtimespec.tv_nsec)
#else
#define MTIME_SEC(st) ((st).st_mtim.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtim.tv_nsec)
#endif

typedef struct {
  char *path;   /* opened by the first batch, then freed */
  DIR *dir;
  int busy;     /* a batch is on the thread pool */
  int closing;  /* closed while busy: the batch's completion closes */
  int finished; /* readdir reached the end */
} Reader;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref reader_ref; /* keeps the reader object alive while the batch runs */
  Reader *reader;
  size_t max;
  /* results */
  char *names;
  size_t names_len, names_cap;
  double *stats;
  size_t count;
  int done;
  int err;
  const char *syscall;
} Batch;

static void close_reader(Reader *r) {
  if (r->dir) closedir(r->dir);
  r->dir = NULL;
  free(r->path);
  r->path = NULL;
}

static void finalize_reader(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Reader *r = data;
  close_reader(r);
  free(r);
}

/*
 * Whether a name is well-formed UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF). JavaScript sees other names with U+FFFD in place of the bad bytes, a name no
 * client can send back: they are left out, as the JavaScript listing leaves them out
 * (its lstat of the decoded name finds nothing).
 */
static int valid_utf8(const unsigned char *s) {
  while (*s) {
    unsigned c = *s;
    if (c < 0x80) {
      s++;
      continue;
    }
    int n;
    unsigned min, cp;
    if ((c & 0xE0) == 0xC0) n = 1, min = 0x80, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 2, min = 0x800, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 3, min = 0x10000, cp = c & 0x07;
    else return 0;
    for (int i = 1; i <= n; i++) {
      if ((s[i] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    s += n + 1;
  }
  return 1;
}

static int append_name(Batch *b, const char *name) {
  size_t len = strlen(name) + 1;
  if (b->names_len + len > b->names_cap) {
    size_t cap = b->names_cap ? b->names_cap * 2 : 16384;
    while (cap < b->names_len + len) cap *= 2;
    char *grown = realloc(b->names, cap);
    if (!grown) return ENOMEM;
    b->names = grown;
    b->names_cap = cap;
  }
  memcpy(b->names + b->names_len, name, len);
  b->names_len += len;
  return 0;
}

/* Thread pool: open on the first batch, then read and describe up to max entries. */
static void execute_batch(napi_env env, void *data) {
  (void)env;
  Batch *b = data;
  Reader *r = b->reader;
  if (!r->dir) {
    int fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      b->err = errno;
      b->syscall = "opendir";
      return;
    }
    r->dir = fdopendir(fd);
    if (!r->dir) {
      b->err = errno;
      b->syscall = "opendir";
      close(fd);
      return;
    }
  }
  b->stats = malloc(sizeof(double) * FIELDS * b->max);
  if (!b->stats) {
    b->err = ENOMEM;
    b->syscall = "scandir";
    return;
  }
  int dfd = dirfd(r->dir);
  while (b->count < b->max) {
    errno = 0;
    struct dirent *entry = readdir(r->dir);
    if (!entry) {
      if (errno) {
        b->err = errno;
        b->syscall = "scandir";
      } else {
        r->finished = 1;
        b->done = 1;
      }
      return;
    }
    const char *name = entry->d_name;
    if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
    if (!valid_utf8((const unsigned char *)name)) continue;
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue; /* removed since readdir: not listed */
      b->err = errno;
      b->syscall = "lstat";
      return;
    }
    int err = append_name(b, name);
    if (err) {
      b->err = err;
      b->syscall = "scandir";
      return;
    }
    double *out = b->stats + b->count * FIELDS;
    out[0] = (double)st.st_mode;
    out[1] = (double)st.st_size;
    out[2] = (double)st.st_nlink;
    out[3] = (double)st.st_uid;
    out[4] = (double)st.st_gid;
    out[5] = (double)MTIME_SEC(st);
    out[6] = (double)MTIME_NSEC(st);
    b->count++;
  }
}

static napi_value batch_result(napi_env env, Batch *b) {
  napi_value result, names, buffer, stats, done;
  void *bytes;
  size_t size = sizeof(double) * FIELDS * b->count;
  if (napi_create_string_utf8(env, b->names ? b->names : "", b->names_len, &names) != napi_ok) return NULL;
  if (napi_create_arraybuffer(env, size, &bytes, &buffer) != napi_ok) return NULL;
  if (size) memcpy(bytes, b->stats, size);
  if (napi_create_typedarray(env, napi_float64_array, FIELDS * b->count, buffer, 0, &stats) != napi_ok) return NULL;
  if (napi_get_boolean(env, b->done, &done) != napi_ok) return NULL;
  if (napi_create_object(env, &result) != napi_ok) return NULL;
  if (napi_set_named_property(env, result, "names", names) != napi_ok) return NULL;
  if (napi_set_named_property(env, result, "stats", stats) != napi_ok) return NULL;
  if (napi_set_named_property(env, result, "done", done) != napi_ok) return NULL;
  return result;
}

/* Main thread: settle the promise, and close a reader closed meanwhile. */
static void complete_batch(napi_env env, napi_status status, void *data) {
  Batch *b = data;
  Reader *r = b->reader;
  r->busy = 0;
  if (r->closing) close_reader(r);
  if (status == napi_cancelled) {
    b->err = ECANCELED;
    b->syscall = "scandir";
  }
  napi_value value = NULL;
  if (!b->err) value = batch_result(env, b);
  if (value) {
    napi_resolve_deferred(env, b->deferred, value);
  } else {
    napi_reject_deferred(env, b->deferred, ftpkit_errno_error(env, b->err ? b->err : ENOMEM, b->syscall));
  }
  napi_delete_reference(env, b->reader_ref);
  napi_delete_async_work(env, b->work);
  free(b->names);
  free(b->stats);
  free(b);
}

/* openDir(path): a reader; nothing is opened until its first batch. */
static napi_value open_dir(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], object;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t len;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "openDir(path): path must be a string");
    return NULL;
  }
  Reader *r = calloc(1, sizeof(Reader));
  if (r) r->path = malloc(len + 1);
  if (!r || !r->path) {
    free(r);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  NAPI_CALL(env, napi_get_value_string_utf8(env, argv[0], r->path, len + 1, &len));
  if (strlen(r->path) != len) {
    finalize_reader(env, r, NULL);
    napi_throw_type_error(env, NULL, "openDir(path): path contains NUL");
    return NULL;
  }
  NAPI_CALL(env, napi_create_object(env, &object));
  if (napi_wrap(env, object, r, finalize_reader, NULL, NULL) != napi_ok) {
    finalize_reader(env, r, NULL);
    napi_throw_error(env, NULL, "openDir: wrap failed");
    return NULL;
  }
  return object;
}

static Reader *unwrap_reader(napi_env env, napi_value object) {
  void *data = NULL;
  if (napi_unwrap(env, object, &data) != napi_ok || !data) {
    napi_throw_type_error(env, NULL, "not a directory reader");
    return NULL;
  }
  return data;
}

/* readBatch(reader, max): Promise<{ names, stats, done }>; one batch at a time. */
static napi_value read_batch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], promise, name;
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "readBatch(reader, max)");
    return NULL;
  }
  Reader *r = unwrap_reader(env, argv[0]);
  if (!r) return NULL;
  int64_t max;
  if (napi_get_value_int64(env, argv[1], &max) != napi_ok || max < 1 || max > MAX_BATCH) {
    napi_throw_range_error(env, NULL, "readBatch: max must be from 1 to 65536");
    return NULL;
  }
  if (r->busy) {
    napi_throw_error(env, NULL, "readBatch: a batch is already being read");
    return NULL;
  }
  if (r->closing || (!r->dir && !r->path)) {
    napi_throw_error(env, "EBADF", "readBatch: the reader is closed");
    return NULL;
  }
  Batch *b = calloc(1, sizeof(Batch));
  if (!b) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  b->reader = r;
  b->max = (size_t)max;
  if (r->finished) {
    /* Past the end: an empty final batch without a thread-pool trip. */
    b->done = 1;
  }
  NAPI_CALL(env, napi_create_promise(env, &b->deferred, &promise));
  NAPI_CALL(env, napi_create_reference(env, argv[0], 1, &b->reader_ref));
  NAPI_CALL(env, napi_create_string_utf8(env, "ftpkit:readdir", NAPI_AUTO_LENGTH, &name));
  NAPI_CALL(env, napi_create_async_work(env, NULL, name, r->finished ? ftpkit_noop_execute : execute_batch,
                                        complete_batch, b, &b->work));
  NAPI_CALL(env, napi_queue_async_work(env, b->work));
  r->busy = 1;
  return promise;
}

/* closeDir(reader): release the directory now, or when the batch in flight ends. */
static napi_value close_dir(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Reader *r = argc < 1 ? NULL : unwrap_reader(env, argv[0]);
  if (!r) return NULL;
  if (r->busy) {
    r->closing = 1;
  } else {
    close_reader(r);
  }
  return NULL;
}

napi_status ftpkit_init_listing(napi_env env, napi_value exports) {
  napi_value fields;
  napi_status status = napi_create_int32(env, FIELDS, &fields);
  if (status != napi_ok) return status;
  napi_property_descriptor props[] = {
      {"listFields", NULL, NULL, NULL, NULL, fields, napi_enumerable, NULL},
      {"openDir", NULL, open_dir, NULL, NULL, NULL, napi_default, NULL},
      {"readBatch", NULL, read_batch, NULL, NULL, NULL, napi_default, NULL},
      {"closeDir", NULL, close_dir, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
