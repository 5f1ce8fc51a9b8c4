"""Synthetic demo people at scale: realistic, invented, and loaded without the ORM.

Nothing here is real personal data. Names are drawn from pythainlp's bundled name lists
(and a few common Burmese, Khmer and Lao name elements), ID numbers are made up with a
valid check digit, and every other fact is sampled from rough shares per province.

Speed comes from three things:

* rows are generated in chunks (default 50,000 people), by worker processes (two on a
  2-core machine) when there is more than one chunk: generating a person in Python and
  encrypting its numbers (Fernet, via :func:`encrypt_text`, about 20 % of the time) is
  the costly part; the name-search text is cached per name;
* on PostgreSQL each chunk is written with ``COPY ... FROM STDIN`` (ids are reserved
  from the tables' sequences first, so that children can reference their person); on
  SQLite with ``executemany`` in one transaction per chunk (the FTS5 triggers fire);
* for a large load into a small table (at least :data:`BULK_REBUILD_MIN` people, and
  more than the table already holds) the secondary indexes and the foreign keys of the
  registry tables are dropped inside the load's transaction and rebuilt at the end: one
  sort per index beats a million incremental GIN and B-tree inserts. Everything happens
  in one transaction, so a failed load leaves the schema and the data as they were.
  Dropping a foreign key locks the table it references (users, organisations,
  geography) until the load commits: run a bulk load before serving, as
  ``saphan demo`` does.

Bulk loading writes no django-simple-history rows: the history of a demo person starts
at its first edit.

Demo people are recognised by their ``uid``: its first 32 bits are :data:`PERSON_MARK`,
the next 32 bits the person's demo index. Loading again therefore adds only the
missing number of people (``demo_people_load(5000)`` twice leaves 5,000).

Modules: ``data`` (tables, shares, name lists), ``helpers`` (names, ID numbers),
``facts`` (one person's facts), ``generator`` (rows per chunk, worker processes),
``load`` (counting, COPY, index rebuild, :func:`demo_people_load`).
"""

from saphan.demo.people.data import PERSON_MARK as PERSON_MARK
from saphan.demo.people.data import ChunkTask as ChunkTask
from saphan.demo.people.data import LoadResult as LoadResult
from saphan.demo.people.generator import generate_chunk as generate_chunk
from saphan.demo.people.load import build_context as build_context
from saphan.demo.people.load import demo_people_count as demo_people_count
from saphan.demo.people.load import demo_people_load as demo_people_load
