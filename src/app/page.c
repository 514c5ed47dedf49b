/*
 * page.c: the browser page's files (page.h).
 */
#include "app/page.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const page_file file_list[PAGE_FILE_COUNT] = {
	{"/", "index.html", "text/html; charset=utf-8", NULL, 0},
	{"/app.js", "app.js", "text/javascript; charset=utf-8", NULL, 0},
	{"/app.css", "app.css", "text/css; charset=utf-8", NULL, 0},
};

static bool
read_file(const char *path, char **data, size_t *len, char *error, size_t error_size)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	size_t		n;

	if (f == NULL)
	{
		snprintf(error, error_size, "could not open %s: %s", path, strerror(errno));
		return false;
	}
	buf = malloc(PAGE_FILE_MAX + 1);
	if (buf == NULL)
	{
		fclose(f);
		snprintf(error, error_size, "out of memory reading %s", path);
		return false;
	}
	n = fread(buf, 1, PAGE_FILE_MAX + 1, f);
	if (ferror(f) || n > PAGE_FILE_MAX)
	{
		snprintf(error, error_size, "could not read %s (or it is larger than %d bytes)", path, PAGE_FILE_MAX);
		fclose(f);
		free(buf);
		return false;
	}
	fclose(f);
	*data = buf;
	*len = n;
	return true;
}

bool
page_load(page_files *page, const char *dir, char *error, size_t error_size)
{
	memcpy(page->files, file_list, sizeof(file_list));
	for (int i = 0; i < PAGE_FILE_COUNT; i++)
	{
		char		path[1024];
		page_file  *f = &page->files[i];

		snprintf(path, sizeof(path), "%s/%s", dir, f->name);
		if (!read_file(path, &f->data, &f->len, error, error_size))
		{
			page_free(page);
			return false;
		}
	}
	return true;
}

const page_file *
page_find(const page_files *page, const char *url)
{
	for (int i = 0; i < PAGE_FILE_COUNT; i++)
		if (page->files[i].data != NULL && strcmp(page->files[i].url, url) == 0)
			return &page->files[i];
	return NULL;
}

void
page_free(page_files *page)
{
	for (int i = 0; i < PAGE_FILE_COUNT; i++)
	{
		free(page->files[i].data);
		page->files[i].data = NULL;
	}
}
