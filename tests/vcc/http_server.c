// A small HTTP server whose every connection is served by a virtine that
// uses host files, in the spirit of upstream Wasp's HTTP example: the
// virtine reads the request from the socket it was given, opens the file
// it names (relative to the working directory), fstat()s it and writes the
// header and the file back. argv[1] picks a mode:
//   serve PORT_FILE N  listens on 127.0.0.1 (any port), writes the port to
//                      PORT_FILE, serves N connections, printing each
//                      status
//   refusals           what the calls a virtine may not make return
//   leak N             N calls that each leave a file open: the process's
//                      descriptor count before and after
//   threads N          N threads calling at once, each with its own pipe
#define _GNU_SOURCE  // accept4
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <virtine.h>

// All of buf to fd; 0, or -errno.
static int write_all(int fd, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t done = write(fd, buf, n);
    if (done < 0) return -errno;
    buf += done;
    n -= (size_t)done;
  }
  return 0;
}

// Reads until the end of the request's header; its length, or -errno.
static int read_request(int client, char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = '\0';
  while (n + 1 < cap && strstr(buf, "\r\n\r\n") == NULL) {
    ssize_t got = read(client, buf + n, cap - 1 - n);
    if (got < 0) return -errno;
    if (got == 0) break;
    n += (size_t)got;
    buf[n] = '\0';
  }
  return (int)n;
}

// The path of "GET /path HTTP/1.x", without its '/'; 0 if there is none.
static int request_path(const char *request, char *path, size_t cap) {
  if (strncmp(request, "GET /", 5) != 0) return 0;
  const char *start = request + 5, *end = strchr(start, ' ');
  if (end == NULL || (size_t)(end - start) >= cap) return 0;
  memcpy(path, start, (size_t)(end - start));
  path[end - start] = '\0';
  return path[0] != '\0' && strstr(path, "..") == NULL;
}

static int respond_empty(int client, int status, const char *reason) {
  char header[128];
  int n =
      snprintf(header, sizeof header,
               "HTTP/1.0 %d %s\r\nContent-Length: 0\r\n\r\n", status, reason);
  return write_all(client, header, (size_t)n) == 0 ? status : -1;
}

static int send_file(int client, int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return respond_empty(client, 500, "Error");
  char buf[4096];
  int n = snprintf(buf, sizeof buf,
                   "HTTP/1.0 200 OK\r\nContent-Length: %lld\r\n\r\n",
                   (long long)st.st_size);
  if (write_all(client, buf, (size_t)n) != 0) return -1;
  ssize_t got;
  while ((got = read(fd, buf, sizeof buf)) > 0) {
    if (write_all(client, buf, (size_t)got) != 0) return -1;
  }
  return got == 0 ? 200 : -1;
}

// One connection; returns the status sent, or -1.
virtine_whitelist(VIRTINE_ALLOW_OPEN | VIRTINE_ALLOW_CLOSE |
                  VIRTINE_ALLOW_READ | VIRTINE_ALLOW_WRITE |
                  VIRTINE_ALLOW_FSTAT) int handle_connection(int client) {
  char request[1024], path[256];
  if (read_request(client, request, sizeof request) <= 0) return -1;
  if (!request_path(request, path, sizeof path)) {
    return respond_empty(client, 400, "Bad Request");
  }
  int fd = open(path, O_RDONLY);
  if (fd < 0) return respond_empty(client, 404, "Not Found");
  int status = send_file(client, fd);
  close(fd);
  return status;
}

// The calls a virtine may not make: each returns -errno.
virtine_whitelist(VIRTINE_ALLOW_READ | VIRTINE_ALLOW_WRITE |
                  VIRTINE_ALLOW_CLOSE) int open_without_permission(int unused) {
  int fd = open("index.html", O_RDONLY);
  return fd < 0 ? -errno : fd + unused;
}
virtine int open_without_whitelist(int unused) {
  int fd = open("index.html", O_RDONLY);
  return fd < 0 ? -errno : fd + unused;
}
virtine_whitelist(VIRTINE_ALLOW_WRITE) int write_to(int fd) {
  return write(fd, "ok", 2) < 0 ? -errno : 2;
}
// 0 is not among the descriptors this call is given.
virtine_whitelist(VIRTINE_ALLOW_WRITE) int write_to_stdin(int unused) {
  return write(0, "no", 2) < 0 ? -errno : 2 + unused;
}
// A long is not a descriptor the call was given.
virtine_whitelist(VIRTINE_ALLOW_WRITE) int write_to_long(long fd) {
  return write((int)fd, "no", 2) < 0 ? -errno : 2;
}
virtine_whitelist(VIRTINE_ALLOW_OPEN) int open_at(long address) {
  int fd = open((const char *)address, O_RDONLY);
  return fd < 0 ? -errno : fd;
}
virtine_whitelist(VIRTINE_ALLOW_READ) int read_at(int fd, long address) {
  return read(fd, (void *)address, 16) < 0 ? -errno : 0;
}
// VIRTINE_ALLOW_ALL allows everything, unlike no virtine_whitelist at all.
virtine_whitelist(VIRTINE_ALLOW_ALL) int open_with_allow_all(int unused) {
  int fd = open("index.html", O_RDONLY);
  return fd < 0 ? -errno : fd + unused;
}
// Leaves the file open; returns its descriptor.
virtine_whitelist(VIRTINE_ALLOW_OPEN) int open_and_keep(int unused) {
  int fd = open("index.html", O_RDONLY);
  return fd < 0 ? -errno : fd + unused;
}

static int serve(const char *port_file, int connections) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in address = {.sin_family = AF_INET,
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof address;
  if (listener < 0 ||
      bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
      listen(listener, 16) != 0 ||
      getsockname(listener, (struct sockaddr *)&address, &length) != 0) {
    perror("listen");
    return 1;
  }
  // Written whole, then renamed: a reader never sees half a port.
  char temporary[4096];
  snprintf(temporary, sizeof temporary, "%s.tmp", port_file);
  FILE *file = fopen(temporary, "w");
  if (file == NULL) return 1;
  fprintf(file, "%d\n", ntohs(address.sin_port));
  if (fclose(file) != 0 || rename(temporary, port_file) != 0) return 1;
  for (int i = 0; i < connections; i++) {
    int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (client < 0) return 1;
    printf("%d\n", handle_connection(client));
    fflush(stdout);
    close(client);
  }
  return 0;
}

static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

static int refusals(void) {
  printf("open without permission %d\n", open_without_permission(0));
  printf("open without whitelist %d\n", open_without_whitelist(0));
  printf("open with VIRTINE_ALLOW_ALL %d\n", open_with_allow_all(0) >= 0);
  printf("write to stdin %d\n", write_to_stdin(5));
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return 1;
  printf("write to a long %d\n", write_to_long(pipe_fds[1]));
  printf("write to a given int %d\n", write_to(pipe_fds[1]));
  char got[8] = {0};
  printf("the pipe holds %zd %s\n", read(pipe_fds[0], got, sizeof got - 1),
         got);
  printf("open outside memory %d\n", open_at(0x40000000L));
  printf("open a null path %d\n", open_at(0));
  if (write(pipe_fds[1], "x", 1) != 1) return 1;  // a read would not block
  printf("read outside memory %d\n", read_at(pipe_fds[0], 0x40000000L));
  int kept = open_and_keep(0);
  printf("kept descriptor open after the call %d\n",
         kept >= 0 && is_open(kept));
  return 0;
}

static int count_descriptors(void) {
  DIR *dir = opendir("/proc/self/fd");
  int count = 0;
  while (dir != NULL && readdir(dir) != NULL) count++;
  if (dir != NULL) closedir(dir);
  return count;
}

static int leak(int calls) {
  open_and_keep(0);  // the first call creates the virtine and its descriptors
  int before = count_descriptors();
  int failed = 0;
  for (int i = 0; i < calls; i++) failed += open_and_keep(0) < 0;
  printf("descriptors before %d after %d failed %d\n", before,
         count_descriptors(), failed);
  return 0;
}

struct worker {
  int pipe_fds[2];
  int written;
};

static void *work(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < 50; i++) w->written += write_to(w->pipe_fds[1]) == 2;
  close(w->pipe_fds[1]);
  return NULL;
}

// Each thread's calls reach its own pipe and no other.
static int threads(int count) {
  struct worker workers[16] = {0};
  pthread_t ids[16];
  if (count > 16) count = 16;
  for (int t = 0; t < count; t++) {
    if (pipe(workers[t].pipe_fds) != 0) return 1;
  }
  for (int t = 0; t < count; t++) {
    pthread_create(&ids[t], NULL, work, &workers[t]);
  }
  int good = 0;
  for (int t = 0; t < count; t++) {
    pthread_join(ids[t], NULL);
    char buf[256];
    ssize_t n, total = 0;
    while ((n = read(workers[t].pipe_fds[0], buf, sizeof buf)) > 0) total += n;
    good += workers[t].written == 50 && total == 100;
  }
  printf("threads %d of %d good\n", good, count);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "serve") == 0) {
    return serve(argv[2], atoi(argv[3]));
  }
  if (argc == 2 && strcmp(argv[1], "refusals") == 0) return refusals();
  if (argc == 3 && strcmp(argv[1], "leak") == 0) return leak(atoi(argv[2]));
  if (argc == 3 && strcmp(argv[1], "threads") == 0) {
    return threads(atoi(argv[2]));
  }
  fprintf(stderr,
          "usage: %s serve PORT_FILE N | refusals | leak N | "
          "threads N\n",
          argv[0]);
  return 2;
}
