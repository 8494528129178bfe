/*
 * config_hash.c - a fingerprint of the configuration file.
 *
 * Several hosts share one database; one of them running an old or
 * partial file is otherwise invisible.  Each job run records the SHA-256
 * of the file's bytes (OpenSSL's EVP digest), which snapshot --status
 * compares across hosts.  The bytes, not the parsed values: expanded
 * ${VAR}s and _file secrets never enter the fingerprint.
 */
#include "config.h"

#include <openssl/evp.h>
#include <stdio.h>

int fg_config_fingerprint(const char *path, char out[65])
{
	unsigned char buf[8192], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *fp = ctx != NULL ? fopen(path, "rb") : NULL;
	size_t n;
	int ok = fp != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;

	while (ok && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		ok = EVP_DigestUpdate(ctx, buf, n) == 1;
	ok = ok && !ferror(fp) && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
	if (fp != NULL)
		fclose(fp);
	EVP_MD_CTX_free(ctx);
	out[0] = '\0';
	if (!ok)
		return -1;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}
