"""The one-node file cache is where the page cache takes its locks (one renderer per page, one
re-render at a time per node) and the rate limits count: add() and incr() must hold across
processes, as they do on Redis."""

import multiprocessing

from page_cache.backends import AtomicFileCache

KEYS = 300
PROCESSES = 4


def _add_every_key(location, start, won):
    cache = AtomicFileCache(location, {})
    start.wait()
    won.put([key for key in range(KEYS) if cache.add(f"lock-{key}", 1)])


def _count(location, start, done):
    cache = AtomicFileCache(location, {})
    start.wait()
    for _ in range(KEYS):
        cache.incr("counter")
    done.put(True)


def _race(target, location):
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=target, args=(location, start, results)) for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=10)
    return outcomes


def test_only_one_process_adds_each_key(tmp_path):
    won = _race(_add_every_key, str(tmp_path))
    assert sorted(key for keys in won for key in keys) == list(range(KEYS))


def test_no_increment_is_lost_between_processes(tmp_path):
    AtomicFileCache(str(tmp_path), {}).set("counter", 0, timeout=None)
    _race(_count, str(tmp_path))
    assert AtomicFileCache(str(tmp_path), {}).get("counter") == KEYS * PROCESSES


def test_a_full_folder_is_culled_without_listing_it_on_every_write(tmp_path, monkeypatch):
    cache = AtomicFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 30, "CULL_FREQUENCY": 2}})
    listings = []
    list_files = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or list_files())
    for key in range(60):  # a burst of writes, within one check interval
        cache.set(f"page-{key}", "<html>")
    assert len(listings) == 1
    assert len(list(tmp_path.glob("*.djcache"))) == 60
    cache.next_cull_check = 0  # a second later
    cache.set("page-60", "<html>")
    assert len(list(tmp_path.glob("*.djcache"))) == 31  # half of the 60 culled, then the write
