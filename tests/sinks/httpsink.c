/*
 * fg-httpsink - loopback HTTP sink standing in for Slack, webhooks, Teams,
 * PagerDuty, SendGrid and SES in tests.  Built on libmicrohttpd.
 *
 * Every request is appended as one JSON line to DIR/requests.jsonl:
 *   {"n":1,"method":"POST","path":"/x","headers":{...},"body":"...","status":200}
 * The answer is chosen per request from the options: the first
 * --fail-first requests get --fail-status; then --fail-rate percent of
 * requests (seeded, deterministic) get --fail-status; --path-status
 * PREFIX=CODE[:BODY] answers a path prefix; 429 answers carry
 * Retry-After: --retry-after; every answer is delayed --delay-ms.
 *
 * usage: fg-httpsink --dir DIR --port-file FILE [options]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <getopt.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PATHS 32

struct path_rule {
	const char *prefix;
	int status;
	const char *body;
};

static const char *dir, *port_file, *ok_body = "ok", *fail_body = "error";
static int ok_status = 200, fail_status = 500, fail_first, delay_ms, fail_rate;
static const char *retry_after;
static unsigned seed = 1;
static struct path_rule rules[MAX_PATHS];
static int nrules;
static long counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_fp;
static volatile sig_atomic_t stop;

struct req {
	char *body;
	size_t len;
};

static void on_signal(int s)
{
	(void)s;
	stop = 1;
}

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	json_object_set_new(cls, key, json_string(value ? value : ""));
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct req *r = *con_cls;
	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		char *nb = realloc(r->body, r->len + *upload_size + 1);
		if (nb == NULL)
			return MHD_NO;
		r->body = nb;
		memcpy(r->body + r->len, upload, *upload_size);
		r->len += *upload_size;
		r->body[r->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}

	int status = ok_status;
	const char *body = ok_body;
	pthread_mutex_lock(&mu);
	long n = ++counter;
	bool failed = n <= fail_first;
	if (!failed && fail_rate > 0)
		failed = (int)(rand_r(&seed) % 100) < fail_rate;
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < nrules; i++)
		if (strncmp(url, rules[i].prefix, strlen(rules[i].prefix)) == 0) {
			status = rules[i].status;
			body = rules[i].body;
		}
	if (failed) {
		status = fail_status;
		body = fail_body;
	}

	json_t *headers = json_object();
	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header, headers);
	json_t *query = json_object();
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_header, query);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s%, s:i, s:I}", "n", (json_int_t)n, "method",
			      method, "path", url, "headers", headers, "query", query, "body",
			      r->body ? r->body : "", r->len, "status", status, "ts_ms",
			      (json_int_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	if (o == NULL) /* body not UTF-8: record it escaped as latin-1-ish */
		o = json_pack("{s:I, s:s, s:s, s:s, s:i}", "n", (json_int_t)n, "method", method, "path", url,
			      "body", "<binary>", "status", status);
	char *line = json_dumps(o, JSON_COMPACT);
	pthread_mutex_lock(&mu);
	fprintf(log_fp, "%s\n", line);
	fflush(log_fp);
	pthread_mutex_unlock(&mu);
	free(line);
	json_decref(o);

	if (delay_ms > 0)
		usleep((useconds_t)delay_ms * 1000);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	if (status == 429 && retry_after)
		MHD_add_response_header(resp, "Retry-After", retry_after);
	MHD_add_response_header(resp, "Content-Type", body[0] == '{' ? "application/json" : "text/plain");
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	(void)cls;
	(void)c;
	(void)t;
	struct req *r = *con_cls;
	if (r) {
		free(r->body);
		free(r);
	}
	*con_cls = NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		b[n] = '\0';
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "status", required_argument, NULL, 's' },
		{ "body", required_argument, NULL, 'b' },
		{ "fail-first", required_argument, NULL, 'f' },
		{ "fail-status", required_argument, NULL, 'F' },
		{ "fail-body", required_argument, NULL, 'B' },
		{ "fail-rate", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 'S' },
		{ "retry-after", required_argument, NULL, 'R' },
		{ "delay-ms", required_argument, NULL, 'D' },
		{ "path-status", required_argument, NULL, 'P' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cert = NULL, *key = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'p':
			port_file = optarg;
			break;
		case 's':
			ok_status = atoi(optarg);
			break;
		case 'b':
			ok_body = optarg;
			break;
		case 'f':
			fail_first = atoi(optarg);
			break;
		case 'F':
			fail_status = atoi(optarg);
			break;
		case 'B':
			fail_body = optarg;
			break;
		case 'r':
			fail_rate = atoi(optarg);
			break;
		case 'S':
			seed = (unsigned)atoi(optarg);
			break;
		case 'R':
			retry_after = optarg;
			break;
		case 'D':
			delay_ms = atoi(optarg);
			break;
		case 'C':
			cert = optarg;
			break;
		case 'K':
			key = optarg;
			break;
		case 'P': {
			if (nrules == MAX_PATHS)
				return 64;
			char *eq = strchr(optarg, '=');
			if (!eq)
				return 64;
			*eq = '\0';
			rules[nrules].prefix = optarg;
			rules[nrules].status = atoi(eq + 1);
			char *colon = strchr(eq + 1, ':');
			rules[nrules].body = colon ? colon + 1 : "";
			nrules++;
			break;
		}
		default:
			fprintf(stderr, "usage: fg-httpsink --dir DIR --port-file FILE [options]\n");
			return 64;
		}
	}
	if (!dir || !port_file) {
		fprintf(stderr, "fg-httpsink: --dir and --port-file are required\n");
		return 64;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/requests.jsonl", dir);
	log_fp = fopen(path, "a");
	if (!log_fp) {
		fprintf(stderr, "fg-httpsink: cannot open %s: %s\n", path, strerror(errno));
		return 73;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_in addr = { 0 };
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(0x7f000001);
	addr.sin_port = 0;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	char *certpem = NULL, *keypem = NULL;
	struct MHD_Daemon *d;
	if (cert && key) {
		certpem = slurp(cert);
		keypem = slurp(key);
		if (!certpem || !keypem) {
			fprintf(stderr, "fg-httpsink: cannot read TLS cert/key\n");
			return 66;
		}
		d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
				     &addr, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				     MHD_OPTION_HTTPS_MEM_CERT, certpem, MHD_OPTION_HTTPS_MEM_KEY, keypem,
				     MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	} else {
		d = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &addr,
				     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				     MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	}
	if (d == NULL) {
		fprintf(stderr, "fg-httpsink: cannot start\n");
		return 71;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
	FILE *pf = fopen(tmp, "w");
	if (!pf)
		return 73;
	fprintf(pf, "%u\n", (unsigned)info->port);
	fclose(pf);
	rename(tmp, port_file);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	fclose(log_fp);
	free(certpem);
	free(keypem);
	return 0;
}
