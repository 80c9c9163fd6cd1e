#!/usr/bin/env bash
# Regenerates the packet-decoding fixtures (see README.md beside this script for what each file holds).
#
# Real captures are made between two network namespaces joined by a veth pair, so no traffic leaves the
# machine; crafted ones (packets the kernel will not send) come from make_fixtures.py. Needs root,
# iproute2, tcpdump (libpcap >= 1.10 for SLL2), editcap and python3. Timestamps, ping identifiers and
# TCP sequence numbers differ on every run, so the tests' expected values must be refreshed from
# `tshark -r` after regenerating.
set -euo pipefail
cd "$(dirname "$0")"

A=wbdecA
B=wbdecB
pids=()
cleanup() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    ip netns del "$A" 2>/dev/null || true
    ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
cleanup

inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }

ip netns add "$A"
ip netns add "$B"
ip link add vA netns "$A" type veth peer name vB netns "$B"
ip -n "$A" link set vA address 02:00:00:00:00:0a
ip -n "$B" link set vB address 02:00:00:00:00:0b
for ns in "$A" "$B"; do
    ip -n "$ns" link set lo up
    # No router solicitations or MLD reports from link-local addresses: only the traffic we make.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
done
ip -n "$A" addr add 10.99.0.1/24 dev vA
ip -n "$B" addr add 10.99.0.2/24 dev vB
ip -n "$A" addr add fd00:99::1/64 dev vA nodad
ip -n "$B" addr add fd00:99::2/64 dev vB nodad
ip -n "$A" link set vA up
ip -n "$B" link set vB up
# Static IPv6 neighbours keep neighbour discovery out of the IPv6 captures; IPv4 keeps ARP (one
# exchange lands in eth-ping.pcap as the non-IP frame).
ip -n "$A" neigh replace fd00:99::2 lladdr 02:00:00:00:00:0b dev vA nud permanent
ip -n "$B" neigh replace fd00:99::1 lladdr 02:00:00:00:00:0a dev vB nud permanent

sleep 1

# capture [-n NS] FILE TCPDUMP-ARGS... -- COMMAND...: runs tcpdump in namespace NS (default A) around
# COMMAND, which runs in namespace A.
capture() {
    local ns=$A
    if [ "$1" = "-n" ]; then ns=$2; shift 2; fi
    local file=$1
    shift
    local args=()
    while [ "$1" != "--" ]; do args+=("$1"); shift; done
    shift
    ip netns exec "$ns" tcpdump -Z root -q -U -w "$file" "${args[@]}" 2>/dev/null &
    local tp=$!
    sleep 1
    inA "$@"
    sleep 1
    kill -INT "$tp"
    wait "$tp" || true
}

capture eth-ping.pcap -i vA not ip6 -- ping -q -c 2 -i 0.2 10.99.0.2
capture eth-ping-frag.pcap -i vA ip -- ping -q -c 1 -s 3000 10.99.0.2
capture eth-ping6-frag.pcap -i vA ip6 and not ip6 multicast -- ping -6 -q -c 1 -s 3000 fd00:99::2
# This kernel has no 8021q module, so tagged frames are written to a packet socket on vA and captured
# on vB: the capture path (veth receive, VLAN offload, libpcap re-inserting the tag) is the real one.
capture -n "$B" vlan-ping.pcap -i vB vlan -- python3 make_fixtures.py inject-vlan vA
capture -n "$B" qinq-udp.pcap -i vB vlan -- python3 make_fixtures.py inject-qinq vA
capture sll-ping.pcap -i any -y LINUX_SLL icmp -- ping -q -c 1 10.99.0.2
capture sll2-ping.pcap -i any icmp or icmp6 -- sh -c 'ping -q -c 1 10.99.0.2; ping -6 -q -c 1 fd00:99::2'

# TCP and UDP between real sockets: B serves, A connects. The same exchange is captured whole and with
# an 80-byte snapshot length (headers survive, payloads are cut).
ip netns exec "$B" python3 make_fixtures.py serve 10.99.0.2 fd00:99::2 &
pids+=($!)
sleep 1
capture eth-tcp-udp.pcap -i vA tcp or udp -- python3 make_fixtures.py client 10.99.0.2 fd00:99::2
capture eth-tcp-snap80.pcap -i vA -s 80 tcp -- python3 make_fixtures.py client 10.99.0.2 fd00:99::2
kill "${pids[0]}" 2>/dev/null || true
pids=()

# The UDP/TCP capture again as pcapng, to read one fixture through libpcap's pcapng path.
editcap -F pcapng eth-tcp-udp.pcap eth-tcp-udp.pcapng

# Packets the kernel will not produce.
python3 make_fixtures.py craft

ls -l ./*.pcap ./*.pcapng
