/* Records what a device asked of the machine. */
#include "fake/fake.h"

#include <stdio.h>
#include <string.h>

static void fake_vmctl_request(void *opaque, enum vm_request req, int code, const char *reason)
{
	struct fake_vmctl *fv = opaque;
	fv->count++;
	fv->last = req;
	fv->code = code;
	snprintf(fv->reason, sizeof(fv->reason), "%s", reason ? reason : "");
}

void fake_vmctl_init(struct fake_vmctl *fv)
{
	memset(fv, 0, sizeof(*fv));
	fv->ctl.request = fake_vmctl_request;
	fv->ctl.opaque = fv;
}
