# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery URL forms of docs/discovery.md, and the messages for malformed ones."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import (
    DiscoveryError,
    discovery_source,
    open_backend,
    parse_discovery_url,
    parse_node_list,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.file import parse_cluster_file
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.ranges import expand_range


@pytest.mark.parametrize("url, entries", [
    ("nodes://h1:2376,h2:2376", ("h1:2376", "h2:2376")),
    ("h1:2376,h2:2376", ("h1:2376", "h2:2376")),
    ("10.0.0.[10:12]:2376", ("10.0.0.10:2376", "10.0.0.11:2376", "10.0.0.12:2376")),
    ("nodes://10.0.0.1:2376, 10.0.0.[2:3]:2376", ("10.0.0.1:2376", "10.0.0.2:2376", "10.0.0.3:2376")),
    ("192.168.1.2:[2:3]375", ("192.168.1.2:2375", "192.168.1.2:3375")),
    ("tcp://h1:2376,tcp://h2:2376", ("h1:2376", "h2:2376")),
    ("nodes://h1:2376,h1:2376", ("h1:2376",)),
    ("nodes://[fd00::1]:2376", ("[fd00::1]:2376",)),
])
def test_node_lists(url: str, entries: tuple) -> None:
    parsed = parse_discovery_url(url)
    assert parsed.scheme == "nodes" and parsed.entries == entries and not parsed.is_store


@pytest.mark.parametrize("url, scheme, entries, prefix", [
    ("consul://127.0.0.1:8500/swarm", "consul", ("127.0.0.1:8500",), "swarm"),
    ("consul://h1,h2:8501/a/b/", "consul", ("h1:8500", "h2:8501"), "a/b"),
    ("CONSUL://h1", "consul", ("h1:8500",), ""),
    ("consul:///swarm", "consul", (), "swarm"),
    ("etcd://h1,h2/pre", "etcd", ("h1:2379", "h2:2379"), "pre"),
    ("zk://h1:2182,h2/x//y", "zk", ("h1:2182", "h2:2181"), "x/y"),
])
def test_store_urls(url: str, scheme: str, entries: tuple, prefix: str) -> None:
    parsed = parse_discovery_url(url)
    assert (parsed.scheme, parsed.entries, parsed.prefix) == (scheme, entries, prefix)
    assert parsed.is_store


def test_file_url_keeps_the_path() -> None:
    assert parse_discovery_url("file:///etc/swarm/cluster.conf").path == "/etc/swarm/cluster.conf"
    assert parse_discovery_url("file://cluster.conf").path == "cluster.conf"
    assert str(parse_discovery_url("file:///x")) == "file:///x"


def test_token_explains_the_2019_shutdown() -> None:
    with pytest.raises(DiscoveryError, match="shut down in 2019") as caught:
        parse_discovery_url("token://0ac50ef75c9739f5bfeeaf00503d4e6e")
    assert "consul://" in str(caught.value)


@pytest.mark.parametrize("url, expected", [
    ("", "supported forms: nodes://"),
    ("redis://h:1/x", "Unsupported discovery URL scheme 'redis'"),
    ("h1", "the port is missing"),
    ("nodes://h1:0", "from 1 to 65535"),
    ("nodes://h1:x", "from 1 to 65535"),
    ("nodes://", "lists no nodes"),
    ("nodes://h 1:2376", "expected host:port"),
    ("10.0.[1:2].[3:4]:2376", "only one `[from:to]` range"),
    ("10.0.0.[9:2]:2376", "start is after its end"),
    ("10.0.[0:70000]:2376", "expands to 70001 addresses; at most 4096 engine addresses are allowed per range"),
    ("file://", "names no file"),
    ("consul://h1:99999/x", "expected consul://"),
    ("etcd://h1/../x", "'.' or '..'"),
    ("nodes://[fd00::1:2376", "missing ']'"),
])
def test_malformed_urls_show_the_expected_form(url: str, expected: str) -> None:
    with pytest.raises(DiscoveryError) as caught:
        parse_discovery_url(url)
    assert expected in str(caught.value)


def test_node_errors_name_the_url_and_form() -> None:
    with pytest.raises(DiscoveryError, match=r"In discovery URL 'nodes://h1:2376,h2'.*expected nodes://10.0.0.1:2376"):
        parse_discovery_url("nodes://h1:2376,h2")


def test_expand_range_without_range_is_identity() -> None:
    assert expand_range("h1:2376") == ["h1:2376"]


def test_parse_node_list_skips_blanks_and_dedupes() -> None:
    assert parse_node_list(["", " h1:1 ", "tcp://h1:1/", "h2:2"]) == ["h1:1", "h2:2"]


def test_cluster_file_comments_blank_lines_and_ranges() -> None:
    text = "# the cluster\n\n10.0.0.1:2376   # first\n  10.0.0.[2:3]:2376\n10.0.0.1:2376\n#10.0.0.9:2376\n"
    assert parse_cluster_file(text) == ["10.0.0.1:2376", "10.0.0.2:2376", "10.0.0.3:2376"]


def test_cluster_file_errors_name_file_and_line() -> None:
    with pytest.raises(DiscoveryError, match=r"^/etc/c.conf:3: Invalid node 'nohost'"):
        parse_cluster_file("h1:1\n\nnohost\n", "/etc/c.conf")


def test_str_hides_nothing_secret_and_round_trips() -> None:
    assert str(parse_discovery_url("consul://h1,h2/p")) == "consul://h1:8500,h2:8500/p"


# ------------------------------------------------------------------------------------ bounds on static sources
def test_a_huge_range_is_refused_at_once_naming_the_url_and_the_limit() -> None:
    started = time.monotonic()
    with pytest.raises(DiscoveryError, match=r"Discovery entry '10.0.\[0:65535\].1:2376' expands to 65536 addresses; at most "
                                             r"4096 engine addresses are allowed .* In discovery URL 'nodes://10.0.\[0:65535\].1:2376'"):
        parse_discovery_url("nodes://10.0.[0:65535].1:2376")
    assert time.monotonic() - started < 1


def test_the_total_of_several_ranges_is_bounded_too() -> None:
    assert len(parse_discovery_url("nodes://10.0.[0:4095].1:2376").entries) == 4096
    with pytest.raises(DiscoveryError, match=r"more than 4096 engine addresses \(the limit was reached at entry '10.1.\[0:9\].1:2376'\)"):
        parse_discovery_url("nodes://10.0.[0:4095].1:2376,10.1.[0:9].1:2376")
    with pytest.raises(DiscoveryError, match=r"more than 4096 .* In the nodes option"):
        discovery_source({"nodes": ["10.0.[0:4000].1:2376", "10.1.[0:200].1:2376"]}, {})


def test_the_limit_counts_distinct_addresses_and_is_fast() -> None:
    started = time.monotonic()
    assert len(parse_node_list(["10.0.[0:4095].1:2376"] * 20)) == 4096  # duplicates are not counted twice
    assert time.monotonic() - started < 2  # the old list membership test made this quadratic


def test_cluster_files_are_bounded(tmp_path: Path) -> None:
    many = "\n".join("10.0.%d.%d:2376" % (n // 256, n % 256) for n in range(4097)) + "\n"
    with pytest.raises(DiscoveryError, match=r"^/c.conf:4097: the discovery file has more than 4096 entries"):
        parse_cluster_file(many, "/c.conf")
    with pytest.raises(DiscoveryError, match=r"^/c.conf:2: Discovery lists more than 4096 engine addresses"):
        parse_cluster_file("10.0.[0:4000].1:2376\n10.1.[0:100].1:2376\n", "/c.conf")
    big = tmp_path / "big.conf"
    big.write_text("# padding\n" * 200000)
    with pytest.raises(DiscoveryError, match=r"The discovery file .*big.conf is larger than 1024 KiB"):
        open_backend("file://%s" % big).list_nodes()
