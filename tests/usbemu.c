/*
 * usbemu.c — usbdevfs for one emulated scanner (see usbemu.h).
 */
#include "usbemu.h"
#include "usbfixture.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

struct usbemu {
	pthread_mutex_t lock;		/* the handler runs on umockdev's thread */
	UMockdevIoctlBase *handler;
	const struct usbfix *fix;
	size_t next;			/* next URB of fix to deliver */
	GList *flying;			/* UMockdevIoctlData of submitted URBs */
	GList *cancelled;		/* discarded, to be reaped with -ENOENT */
	int unplugged;
	int kernel_holds;
	int clear_halts;
	int address;
};

/* Gives a URB in flight its next report; 1 if one was there. */
static int
fill(struct usbemu *emu, UMockdevIoctlData *urb_data)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;
	const unsigned char *data;
	size_t len;
	int status;
	if (usbfix_urb(emu->fix, emu->next, &status, &data, &len) != 0)
		return 0;
	emu->next++;
	urb->status = status;
	urb->actual_length = status ? 0 : (int)(len > (size_t)urb->buffer_length
							? (size_t)urb->buffer_length : len);
	/* The client shares our address space: write its buffer directly, as
	 * libusb's own umockdev tests do. */
	if (urb->actual_length > 0)
		memcpy(urb->buffer, data, (size_t)urb->actual_length);
	return 1;
}

static gint
same_client_addr(gconstpointer data, gconstpointer addr)
{
	return ((const UMockdevIoctlData *)data)->client_addr != (gulong)addr;
}

static gboolean
handle_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer arg)
{
	struct usbemu *emu = arg;
	gulong request = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *ioctl_arg = umockdev_ioctl_client_get_arg(client);
	gboolean handled = TRUE;
	(void)handler;

	pthread_mutex_lock(&emu->lock);
	switch (request) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(ioctl_arg, 0, sizeof(guint32), NULL);
		*(guint32 *)d->data = USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
		umockdev_ioctl_data_unref(d);
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_RESET:
	case USBDEVFS_RESETEP:
		umockdev_ioctl_client_complete(client, emu->unplugged ? -1 : 0,
					       emu->unplugged ? ENODEV : 0);
		break;
	case USBDEVFS_CLEAR_HALT:
		emu->clear_halts++;
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	case USBDEVFS_GETDRIVER: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(
			ioctl_arg, 0, sizeof(struct usbdevfs_getdriver), NULL);
		if (emu->kernel_holds) {
			struct usbdevfs_getdriver *g = (struct usbdevfs_getdriver *)d->data;
			snprintf(g->driver, sizeof g->driver, "usbhid");
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, ENODATA);
		}
		umockdev_ioctl_data_unref(d);
		break;
	}
	case USBDEVFS_IOCTL:
		/* Detaching the kernel's driver: refused, as under umockdev. */
		umockdev_ioctl_client_complete(client, -1, EPERM);
		break;
	case USBDEVFS_SUBMITURB: {
		if (emu->unplugged) {
			umockdev_ioctl_client_complete(client, -1, ENODEV);
			break;
		}
		UMockdevIoctlData *urb_data = umockdev_ioctl_data_resolve(
			ioctl_arg, 0, sizeof(struct usbdevfs_urb), NULL);
		emu->flying = g_list_append(emu->flying, urb_data);
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY: {
		UMockdevIoctlData *urb_data = NULL;
		if (emu->cancelled != NULL) {
			urb_data = emu->cancelled->data;
			emu->cancelled = g_list_delete_link(emu->cancelled, emu->cancelled);
			((struct usbdevfs_urb *)urb_data->data)->status = -ENOENT;
		} else if (emu->flying != NULL && emu->unplugged) {
			urb_data = emu->flying->data;
			emu->flying = g_list_delete_link(emu->flying, emu->flying);
			((struct usbdevfs_urb *)urb_data->data)->status = -ESHUTDOWN;
			((struct usbdevfs_urb *)urb_data->data)->actual_length = 0;
		} else if (emu->flying != NULL && fill(emu, emu->flying->data)) {
			urb_data = emu->flying->data;
			emu->flying = g_list_delete_link(emu->flying, emu->flying);
		}
		if (urb_data == NULL) {
			umockdev_ioctl_client_complete(client, -1, emu->unplugged ? ENODEV : EAGAIN);
			break;
		}
		UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(ioctl_arg, 0, sizeof(gpointer), NULL);
		umockdev_ioctl_data_set_ptr(ptr, 0, urb_data);
		umockdev_ioctl_data_unref(ptr);
		umockdev_ioctl_data_unref(urb_data);
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_DISCARDURB: {
		GList *l = g_list_find_custom(emu->flying, *(void **)ioctl_arg->data, same_client_addr);
		if (l != NULL) {
			emu->cancelled = g_list_append(emu->cancelled, l->data);
			emu->flying = g_list_delete_link(emu->flying, l);
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, EINVAL);
		}
		break;
	}
	default:
		handled = FALSE;
	}
	pthread_mutex_unlock(&emu->lock);
	return handled;
}

struct usbemu *
usbemu_plug(UMockdevTestbed *bed, const struct usbfix *fix, int address, uint16_t vendor,
	    uint16_t product, int protocol, int root_hub, int kernel_holds, int send_uevent)
{
	struct usbemu *emu = calloc(1, sizeof *emu);
	char node[64], path[512];
	GError *error = NULL;

	pthread_mutex_init(&emu->lock, NULL);
	emu->fix = fix;
	emu->address = address;
	emu->kernel_holds = kernel_holds;
	emu->handler = umockdev_ioctl_base_new();
	g_signal_connect(emu->handler, "handle-ioctl", G_CALLBACK(handle_ioctl), emu);
	snprintf(node, sizeof node, "/dev/bus/usb/001/%03d", address);
	/* The handler first, so the device answers from the moment it appears. */
	if (!umockdev_testbed_attach_ioctl(bed, node, emu->handler, &error)) {
		fprintf(stderr, "usbemu: attach %s: %s\n", node, error->message);
		abort();
	}
	char *dir = umockdev_testbed_get_root_dir(bed);
	snprintf(path, sizeof path, "%s/scanner-%d.umockdev", dir, address);
	g_free(dir);
	if (usbfix_write_device(path, 1, address, address, vendor, product, protocol, root_hub) != 0 ||
	    !umockdev_testbed_add_from_file(bed, path, &error)) {
		fprintf(stderr, "usbemu: add %s: %s\n", path, error ? error->message : "write");
		abort();
	}
	if (send_uevent) {
		char sys[256];
		usbfix_syspath(1, address, sys, sizeof sys);
		umockdev_testbed_uevent(bed, sys, "add");
	}
	return emu;
}

void
usbemu_unplug(struct usbemu *emu, UMockdevTestbed *bed)
{
	char sys[256];
	pthread_mutex_lock(&emu->lock);
	emu->unplugged = 1;
	pthread_mutex_unlock(&emu->lock);
	usbfix_syspath(1, emu->address, sys, sizeof sys);
	umockdev_testbed_uevent(bed, sys, "remove");
	umockdev_testbed_remove_device(bed, sys);
}

int
usbemu_pending(struct usbemu *emu)
{
	int status;
	const unsigned char *data;
	size_t len;
	pthread_mutex_lock(&emu->lock);
	int n = 0;
	while (usbfix_urb(emu->fix, emu->next + (size_t)n, &status, &data, &len) == 0)
		n++;
	pthread_mutex_unlock(&emu->lock);
	return n;
}

int
usbemu_clear_halts(struct usbemu *emu)
{
	pthread_mutex_lock(&emu->lock);
	int n = emu->clear_halts;
	pthread_mutex_unlock(&emu->lock);
	return n;
}

void
usbemu_free(struct usbemu *emu)
{
	if (emu == NULL)
		return;
	g_object_unref(emu->handler);
	g_list_free_full(emu->flying, (GDestroyNotify)umockdev_ioctl_data_unref);
	g_list_free_full(emu->cancelled, (GDestroyNotify)umockdev_ioctl_data_unref);
	pthread_mutex_destroy(&emu->lock);
	free(emu);
}
