"""The peer of bench/hello.task for time to first output."""
print("hello, world")
