"""The harness itself: a sandbox, a console world pointing at it, the module answering."""
from harness import Suite, World, expect

suite = Suite("smoke")
world = World()


@suite.case("smoke__module_answers")
def _():
    r = world.call("mdr.plugin.info")
    r.ok()
    expect(world.sandbox.base_url in r.stdout, "the module does not use the sandbox", r)


@suite.case("smoke__sandbox_admin")
def _():
    expect(isinstance(world.sandbox.requests(), list))


suite.finish(world)
