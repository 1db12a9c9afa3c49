/* Records the level each interrupt line was last driven to. */
#include "fake/fake.h"

#include <string.h>

static void fake_irq_set(void *opaque, unsigned line, int level)
{
	struct fake_irq *f = opaque;
	if (line >= FAKE_IRQ_LINES)
		return;
	if (level && !f->level[line])
		f->raises[line]++;
	f->level[line] = level ? 1 : 0;
	f->sets[line]++;
}

void fake_irq_init(struct fake_irq *f)
{
	memset(f, 0, sizeof(*f));
	for (unsigned i = 0; i < FAKE_IRQ_LINES; i++) {
		f->line[i].set = fake_irq_set;
		f->line[i].opaque = f;
		f->line[i].line = i;
	}
}
