/*
 * page.h: the browser page's files (index.html, app.js, app.css), read
 * from page_dir once at start and served from memory.
 */
#ifndef BIFROST_APP_PAGE_H
#define BIFROST_APP_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#define PAGE_FILE_COUNT 3
#define PAGE_FILE_MAX (1024 * 1024)

typedef struct page_file
{
	const char *url;			/* "/", "/app.js", "/app.css" */
	const char *name;			/* in page_dir */
	const char *content_type;
	char	   *data;			/* malloc'd */
	size_t		len;
} page_file;

typedef struct page_files
{
	page_file	files[PAGE_FILE_COUNT];
} page_files;

/* Reads every file; false with *error naming the file that could not be read. */
extern bool page_load(page_files *page, const char *dir, char *error, size_t error_size);

/* The file served at url, or NULL. */
extern const page_file *page_find(const page_files *page, const char *url);

extern void page_free(page_files *page);

#endif							/* BIFROST_APP_PAGE_H */
