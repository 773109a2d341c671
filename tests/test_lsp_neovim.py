"""`copydesk lsp` under a real editor: Neovim headless (Debian's `neovim`), with its built-in LSP client, opens a
draft and reads the diagnostics it received."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import cli_env, write

pytest.importorskip("pygls")
NVIM = shutil.which("nvim")

# The Neovim set-up docs/lsp.md shows, in the form Neovim 0.7 (Debian 12) accepts: start_client, attach.
SCRIPT = """
local id = vim.lsp.start_client({
  name = "copydesk",
  cmd = { os.getenv("COPYDESK_PYTHON"), "-m", "copydesk", "lsp" },
  root_dir = vim.fn.getcwd(),
})
vim.cmd("edit draft.md")
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(120000, function() return #vim.diagnostic.get(0) >= 2 end, 100)
local rows = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code
  if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
  table.insert(rows, { lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, source = d.source,
                       code = code, message = d.message })
end
local f = io.open(os.getenv("COPYDESK_NVIM_OUT"), "w")
f:write(vim.fn.json_encode({ ok = ok, diagnostics = rows }))
f:close()
vim.lsp.stop_client(id)
vim.wait(10000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
vim.cmd("qa!")
"""


@pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (apt-get install neovim; .ci/run installs it)")
def test_neovim_receives_the_diagnostics(tmp_path):
    write(tmp_path / "draft.md", "# Pier\n\nSkip to content\n\nThe pier reopened on Monday after a year of repairs, "
                                 "the board said.\n\nThe pier reopened on Monday after a year of repairs, the board "
                                 "said.\n")
    write(tmp_path / "check.lua", SCRIPT)
    out = tmp_path / "diagnostics.json"
    proc = subprocess.run([NVIM, "--headless", "--clean", "-c", "luafile check.lua"], cwd=tmp_path, capture_output=True,
                          timeout=300, env=cli_env({"COPYDESK_PYTHON": sys.executable, "COPYDESK_NVIM_OUT": str(out)}))
    assert proc.returncode == 0, proc.stderr.decode()
    got = json.loads(out.read_text())
    assert got["ok"] is True
    rows = sorted((d["code"], d["lnum"], d["col"], d["severity"], d["source"]) for d in got["diagnostics"])
    assert rows == [("BOI001", 2, 0, 1, "copydesk"), ("DUP001", 6, 0, 1, "copydesk")]
