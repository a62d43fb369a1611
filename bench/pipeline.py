"""The peer of examples/pipeline.task: a producer reads 12 "documents" (at
most 3 at once, 4 fetches in flight), two workers count their words, and a
collector totals them, joined by bounded asyncio queues."""
import asyncio

disk = asyncio.Semaphore(3)
DONE = None


async def fetch_doc(i: int) -> tuple[str, str]:
    async with disk:
        await asyncio.sleep(0.01)
        return f"doc-{i}", " ".join(f"w{w}" for w in range(8 + 2 * i))


async def produce(docs: asyncio.Queue, n: int) -> None:
    limit = asyncio.Semaphore(4)

    async def fetch(i: int):
        async with limit:
            return await fetch_doc(i)

    fetched = await asyncio.gather(*(fetch(i) for i in range(n)))
    for doc in fetched:
        await docs.put(doc)
    for _ in range(2):
        await docs.put(DONE)
    print(f"fetched {len(fetched)} documents")


async def count_words(docs: asyncio.Queue, counts: asyncio.Queue) -> int:
    handled = 0
    while (doc := await docs.get()) is not DONE:
        name, text = doc
        await counts.put((name, len(text.split(" "))))
        handled += 1
    return handled


async def collect(counts: asyncio.Queue) -> tuple[int, str, int]:
    total, best, best_words = 0, "", 0
    while (item := await counts.get()) is not DONE:
        name, words = item
        total += words
        if words > best_words:
            best, best_words = name, words
    return total, best, best_words


async def main() -> None:
    docs: asyncio.Queue = asyncio.Queue(2)
    counts: asyncio.Queue = asyncio.Queue(2)
    collector = asyncio.create_task(collect(counts))
    producer = asyncio.create_task(produce(docs, 12))
    a, b = await asyncio.gather(count_words(docs, counts), count_words(docs, counts))
    await counts.put(DONE)
    await producer
    print(f"words per worker: 2 workers, {a + b} documents")
    total, best, best_words = await collector
    print(f"total words: {total}")
    print(f"longest: {best} with {best_words} words")


asyncio.run(main())
