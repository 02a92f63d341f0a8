/*
 * dump.c prints what the libpcap it is linked with answers for the name,
 * description, time stamp type, status and link-type lookups, one fact per
 * line, so that the Go test can print the same lines from core/tables and
 * compare them.
 *
 *   dump tables   values -10..1000, then one name per line read from stdin
 *   dump links    savefile link-type mapping and snapshot lengths
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOW -10
#define HIGH 1000

static const char *
show(const char *s)
{
	return s == NULL ? "(null)" : s;
}

static void
dump_tables(void)
{
	char line[4096];
	int v;

	for (v = LOW; v <= HIGH; v++) {
		printf("dlt %d name=%s\n", v, show(pcap_datalink_val_to_name(v)));
		printf("dlt %d desc=%s\n", v,
		    show(pcap_datalink_val_to_description(v)));
		printf("dlt %d ordlt=%s\n", v,
		    show(pcap_datalink_val_to_description_or_dlt(v)));
		printf("tstamp %d name=%s\n", v,
		    show(pcap_tstamp_type_val_to_name(v)));
		printf("tstamp %d desc=%s\n", v,
		    show(pcap_tstamp_type_val_to_description(v)));
	}
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		printf("name [%s] dlt=%d tstamp=%d\n", line,
		    pcap_datalink_name_to_val(line),
		    pcap_tstamp_type_name_to_val(line));
	}
}

static void
put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* host order, as a savefile writer does */
}

static void
put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/*
 * Reads a savefile header naming link type lt with the given snaplen, and
 * prints the DLT_ value and snapshot length the handle reports.
 */
static void
read_header(uint32_t lt, uint32_t snaplen)
{
	unsigned char hdr[24];
	char err[PCAP_ERRBUF_SIZE];
	FILE *f;
	pcap_t *p;

	put32(hdr, 0xa1b2c3d4);
	put16(hdr + 4, 2);
	put16(hdr + 6, 4);
	put32(hdr + 8, 0);
	put32(hdr + 12, 0);
	put32(hdr + 16, snaplen);
	put32(hdr + 20, lt);
	f = fmemopen(hdr, sizeof hdr, "rb");
	if (f == NULL) {
		perror("fmemopen");
		exit(1);
	}
	p = pcap_fopen_offline(f, err);
	if (p == NULL) {
		fclose(f);
		printf("read %u snaplen=%u error\n", lt, snaplen);
		return;
	}
	printf("read %u snaplen=%u dlt=%d snap=%d\n", lt, snaplen,
	    pcap_datalink(p), pcap_snapshot(p));
	pcap_close(p);
}

/* Writes a savefile header for a dead handle of type dlt. */
static void
write_dlt(int dlt)
{
	unsigned char hdr[24];
	uint32_t lt;
	pcap_dumper_t *d;
	pcap_t *p;
	FILE *f;

	p = pcap_open_dead(dlt, 65535);
	if (p == NULL) {
		printf("write %d error\n", dlt);
		return;
	}
	f = tmpfile();
	if (f == NULL) {
		perror("tmpfile");
		exit(1);
	}
	d = pcap_dump_fopen(p, f);
	if (d == NULL) {
		fclose(f);
		pcap_close(p);
		printf("write %d error\n", dlt);
		return;
	}
	pcap_dump_flush(d);
	rewind(f);
	if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr) {
		printf("write %d short\n", dlt);
	} else {
		memcpy(&lt, hdr + 20, 4);
		printf("write %d linktype=%u\n", dlt, lt);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void
dump_links(void)
{
	static const uint32_t snaplens[] = {
		1, 100, 65535, 262144, 262145, 1048576, 1048577, 8388608,
		8388609, 134217728, 134217729, 0x7fffffff, 0x80000000,
		0xffffffff,
	};
	static const uint32_t snaptypes[] = { 1, 12, 101, 231, 249, 279 };
	size_t i, j;
	int v;

	for (v = 0; v <= HIGH; v++)
		read_header((uint32_t)v, 0);
	for (v = 65530; v <= 65535; v++)
		read_header((uint32_t)v, 0);
	for (i = 0; i < sizeof snaptypes / sizeof snaptypes[0]; i++)
		for (j = 0; j < sizeof snaplens / sizeof snaplens[0]; j++)
			read_header(snaptypes[i], snaplens[j]);
	for (v = -3; v <= HIGH; v++)
		write_dlt(v);
	write_dlt(65535);
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "tables") == 0)
		dump_tables();
	else if (argc == 2 && strcmp(argv[1], "links") == 0)
		dump_links();
	else {
		fprintf(stderr, "usage: dump tables|links\n");
		return 2;
	}
	return 0;
}
