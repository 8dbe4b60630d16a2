package dev.herd.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.BARRIER;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.SEQUENCER;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

/**
 * Builds Herd's JGroups protocol stack in code, so every timeout comes from the {@link TimeoutProfile} and nothing
 * from a system property. It mirrors JGroups' tcp.xml with corosync's choices: a static member list (TCPPING =
 * corosync's nodelist), encryption with the cluster key (SYM_ENCRYPT) and
 * authentication of every join and merge with an HMAC of it (AUTH + {@link ClusterKeyToken}), FD_SOCK2 + FD_ALL3 + VERIFY_SUSPECT2 failure
 * detection, MERGE3 to heal partitions, and SEQUENCER for one total order of broadcasts (totem's agreed order).
 */
final class JGroupsStack {
    /** FD_SOCK2 listens on the transport port + this offset (JGroups' default is 100). */
    static final int FD_SOCK_PORT_OFFSET = 100;
    /** AES-CBC with a fresh random IV per message (JGroups' Encrypt cannot drive GCM: it passes an IvParameterSpec). */
    private static final String CIPHER = "AES/CBC/PKCS5Padding";
    private static final int IV_BYTES = 16;

    private JGroupsStack() {}

    static List<Protocol> build(InetAddress bindAddress, int bindPort, List<Peer> peers, ClusterKey key,
                                TimeoutProfile profile, String clusterName) throws Exception {
        List<InetSocketAddress> initialHosts = new ArrayList<>();
        for (Peer peer : peers) {
            initialHosts.add(new InetSocketAddress(peer.host(), peer.port()));
        }
        // TCP_NIO2, not TCP: TCP connects on the sending thread, and JGroups' per-destination bundler has one
        // sending thread for all peers, so while a partitioned peer's SYNs are dropped every message to every peer
        // waited for the connect timeout (measured: 6-9 s per confdb write in a 3 | 2 partition). NIO connects
        // without blocking and queues the peer's messages until its connection is up.
        TCP_NIO2 tcp = new TCP_NIO2();
        tcp.setBindAddress(bindAddress);
        tcp.setBindPort(bindPort);
        tcp.setPortRange(0); // a fixed, configured port: peers find us only there
        tcp.setClientBindAddr(bindAddress); // outgoing connections leave from our own address (partitions cut by address)
        // No Nagle: the bundler already batches, and every confdb write is a chain of small messages (forward to the
        // sequencer, its broadcast, each member's Applied) that Nagle plus delayed ACKs held back ~40 ms per hop
        // (measured: 44 ms median per replicated write with it on, JGroups' default since JGRP-2781).
        tcp.tcpNodelay(true);
        tcp.setSockConnTimeout((int) Math.min(1000, profile.suspectTimeoutMs()));
        tcp.disableDiagnostics(); // no multicast diagnostics socket: nothing answers outside the cluster key

        TCPPING ping = new TCPPING();
        ping.setInitialHosts(initialHosts);
        ping.setPortRange(0);

        MERGE3 merge = new MERGE3();
        merge.setMinInterval(profile.mergeMinIntervalMs());
        merge.setMaxInterval(profile.mergeMaxIntervalMs());

        SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
        encrypt.setSecretKey(key.secretKey());
        encrypt.symAlgorithm(CIPHER);
        encrypt.symIvLength(IV_BYTES);

        AUTH auth = new AUTH();
        auth.setAuthToken(new ClusterKeyToken(key, clusterName));

        FD_SOCK2 fdSock = new FD_SOCK2();
        fdSock.setBindAddress(bindAddress);
        fdSock.setOffset(FD_SOCK_PORT_OFFSET);
        fdSock.setPortRange(0);

        FD_ALL3 fdAll = new FD_ALL3();
        fdAll.setInterval(profile.heartbeatIntervalMs());
        fdAll.setTimeout(profile.suspectTimeoutMs());

        VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
        verify.setTimeout(profile.verifySuspectTimeoutMs());

        GMS gms = new GMS();
        gms.setJoinTimeout(profile.joinTimeoutMs());
        gms.setViewAckCollectionTimeout(Math.max(500, profile.verifySuspectTimeoutMs()));
        gms.setLeaveTimeout(1000);
        // A host that finds peers but gets no answer to its join (say, it has the wrong key) forms a view of its own
        // after this many attempts; MERGE3 joins it to the others later if it can.
        gms.setMaxJoinAttempts(3);

        // Order matters: bottom (transport) first. Encryption sits right above discovery/merge so that everything
        // from failure detection up, including GMS join requests, is sealed with the cluster key.
        List<Protocol> stack = new ArrayList<>();
        stack.add(tcp);
        stack.add(ping);
        stack.add(merge);
        stack.add(fdSock);
        stack.add(encrypt);
        stack.add(fdAll);
        stack.add(verify);
        stack.add(new BARRIER());
        stack.add(new NAKACK2());
        stack.add(new UNICAST3());
        stack.add(new STABLE());
        stack.add(auth); // directly below GMS: checks JOIN and MERGE requests
        stack.add(gms);
        stack.add(new SEQUENCER());
        stack.add(new UFC());
        stack.add(new MFC());
        stack.add(new FRAG4());
        return stack;
    }
}
