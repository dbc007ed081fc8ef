"""The whole activation flow through tinyproxy with Basic credentials, and with the
sandbox's CA given only as the extra CA (NODE_EXTRA_CA_CERTS in the console's .env)."""
from harness import Suite, World, expect

suite = Suite("proxy")
world = World(extra_ca=False)
sbx = world.sandbox
proxy = world.proxy("mdruser", "s3cr3t.pw-1")


@suite.case("proxy__without_extra_ca_the_tls_error_names_the_setting")
def _():
    r = world.sign_in()
    r.fails("cloud_tls_verify")
    expect("NODE_EXTRA_CA_CERTS" in r.error["message"], r)


@suite.case("proxy__wrong_proxy_password")
def _():
    world.set_env("NODE_EXTRA_CA_CERTS", sbx.ca)
    world.set_env("HTTPS_PROXY", proxy.url(password="wrong.pw-9"))
    r = world.sign_in()
    r.fails("cloud_proxy_auth")
    expect("HTTPS_PROXY" in r.error["message"], r)
    expect("wrong.pw-9" not in r.stdout + r.stderr, "the proxy password leaked", r)


@suite.case("proxy__full_flow_through_the_proxy")
def _():
    world.set_env("HTTPS_PROXY", proxy.url())
    before = proxy.connects()
    st = world.activate()
    expect(st["activated"] and st["ksn"]["installed"], st)
    u = world.call("mdr.usage.get").ok()
    expect(u["kpsn"]["installed"]["version"], u)
    expect(proxy.connects() > before, "the calls did not go through the proxy")
    expect("s3cr3t" not in open(world.dir + "/data/host.log").read(), "the proxy password was logged")


@suite.case("proxy__percent_encoded_credentials")
def _():
    # tinyproxy's BasicAuth takes [-a-z0-9._] only: '.' and '-' travel percent-encoded.
    world.set_env("HTTPS_PROXY", proxy.url(user="mdruser", password="s3cr3t%2Epw%2D1"))
    world.call("mdr.activation.status").ok()


suite.finish(world)
