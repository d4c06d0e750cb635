"""The documentation keeps up with the code: every option `molotov --help`
lists is in docs/cli.md, and every name the `molotov` Lua module holds (and
those of molotov.json and molotov.statsd) is in docs/lua-api.md."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

KEYS = r"""
local function names(t, prefix)
  local out = {}
  for k in pairs(t) do out[#out + 1] = prefix .. k end
  table.sort(out)
  return out
end
for _, n in ipairs(names(molotov, "")) do print("molotov." .. n) end
for _, n in ipairs(names(molotov.json, "json.")) do print("molotov." .. n) end
for _, n in ipairs(names(molotov.statsd, "statsd.")) do print("molotov." .. n) end
molotov.scenario("x", 1, function() end)
"""


def doc(name):
    with open(os.path.join(harness.source_dir(), "docs", name)) as f:
        return f.read()


def code_spans(text):
    """The text of every `code span` and fenced block of a Markdown page."""
    fenced = re.findall(r"```.*?```", text, re.S)
    rest = re.sub(r"```.*?```", "", text, flags=re.S)
    return fenced + re.findall(r"`([^`\n]+)`", rest)


class Docs(unittest.TestCase):
    def test_every_help_option_is_in_cli_md(self):
        res = harness.run_molotov(["--help"], timeout=20)
        self.assertEqual(res.rc, 0, res)
        options = set()
        for line in res.stdout.splitlines():
            if not line.startswith("  "):
                continue  # usage and exit-code lines: options are the indented ones
            options.update(re.findall(r"(?<![\w-])(--[a-z0-9][a-z0-9-]*|-[a-zA-Z])\b", line))
        self.assertGreater(len(options), 40, res.stdout)
        spans = code_spans(doc("cli.md"))
        missing = sorted(o for o in options
                         if not any(re.search(r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", s)
                                    for s in spans))
        self.assertEqual(missing, [], "options of --help missing from docs/cli.md")

    def test_every_module_name_is_in_lua_api_md(self):
        res = harness.run_molotov(["--single-run", "-q", "--statsd"], scenario_text=KEYS,
                                  timeout=20)
        self.assertEqual(res.rc, 0, res)
        names = [l.strip() for l in res.stdout.splitlines() if l.startswith("molotov.")]
        self.assertIn("molotov.scenario", names, res)
        self.assertIn("molotov.json.decode", names, res)
        self.assertIn("molotov.statsd.incr", names, res)
        spans = code_spans(doc("lua-api.md"))
        missing = []
        for full in names:
            last = full.rsplit(".", 1)[1]
            if not any(re.search(r"(?<![\w])" + re.escape(last) + r"(?![\w])", s) for s in spans):
                missing.append(full)
        self.assertEqual(missing, [], "names of the molotov module missing from docs/lua-api.md")


if __name__ == "__main__":
    harness.main()
