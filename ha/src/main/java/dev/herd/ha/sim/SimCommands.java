package dev.herd.ha.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/** The scenario's command language, parsed into typed commands (the list is in {@link Scenario#commandHelp()}). */
final class SimCommands {
    sealed interface Cmd {
    }

    record Power(int node, boolean on) implements Cmd {
    }

    record Network(int node, boolean on) implements Cmd {
    }

    record Partition(List<List<Integer>> groups) implements Cmd {
    }

    record Pause(int node, boolean paused) implements Cmd {
    }

    record Shutdown(int node, boolean reboot) implements Cmd {
    }

    record SetState(String sid, String state) implements Cmd {
    }

    record Move(String sid, boolean migrate, int target) implements Cmd {
    }

    record Crash(String sid) implements Cmd {
    }

    record FailStart(String sid, boolean failing) implements Cmd {
    }

    record Maintenance(int node, boolean enable) implements Cmd {
    }

    record FenceAgent(int node, String spec) implements Cmd {
    }

    record Delay() implements Cmd {
    }

    private SimCommands() {
    }

    static void check(String text, SortedSet<Integer> nodes, Set<String> sids) {
        parse(text, nodes, sids);
    }

    static Cmd parse(String text, SortedSet<Integer> nodes, Set<String> sids) {
        String[] w = text.trim().split("\\s+");
        try {
            return switch (w[0]) {
                case "power" -> new Power(node(w, 1, nodes), onOff(w, 2));
                case "network" -> new Network(node(w, 1, nodes), onOff(w, 2));
                case "partition" -> partition(w, nodes);
                case "pause" -> new Pause(node(w, 1, nodes), true);
                case "resume" -> new Pause(node(w, 1, nodes), false);
                case "shutdown" -> new Shutdown(node(w, 1, nodes), false);
                case "reboot" -> new Shutdown(node(w, 1, nodes), true);
                case "maintenance" -> new Maintenance(node(w, 1, nodes), switch (word(w, 2)) {
                    case "enable" -> true;
                    case "disable" -> false;
                    default -> throw new IllegalArgumentException("use enable or disable");
                });
                case "fence-agent" -> new FenceAgent(node(w, 1, nodes), word(w, 2).equals("none") ? null
                        : SimFenceAgent.check(word(w, 2), "fence-agent"));
                case "service" -> service(w, nodes, sids);
                case "delay" -> new Delay();
                default -> throw new IllegalArgumentException("unknown command '" + w[0] + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("command \"" + text + "\": " + e.getMessage());
        }
    }

    private static Cmd service(String[] w, SortedSet<Integer> nodes, Set<String> sids) {
        String sid = word(w, 1);
        if (!sids.contains(sid)) {
            throw new IllegalArgumentException("no guest " + sid + " in \"guests\"");
        }
        String verb = word(w, 2);
        return switch (verb) {
            case "started", "stopped", "disabled", "ignored" -> new SetState(sid, verb);
            case "migrate", "relocate" -> new Move(sid, verb.equals("migrate"), node(w, 3, nodes));
            case "crash" -> new Crash(sid);
            case "fail-start" -> new FailStart(sid, onOff(w, 3));
            default -> throw new IllegalArgumentException("unknown service command '" + verb + "'");
        };
    }

    private static Cmd partition(String[] w, SortedSet<Integer> nodes) {
        if (word(w, 1).equals("heal")) {
            return new Partition(List.of(new ArrayList<>(nodes)));
        }
        List<List<Integer>> groups = new ArrayList<>();
        for (int i = 1; i < w.length; i++) {
            List<Integer> g = new ArrayList<>();
            for (String id : w[i].split(",")) {
                g.add(ScenarioParser.nodeId(id, nodes, "partition"));
            }
            groups.add(g);
        }
        return new Partition(groups);
    }

    private static String word(String[] w, int i) {
        if (i >= w.length) {
            throw new IllegalArgumentException("missing word " + (i + 1));
        }
        return w[i];
    }

    private static int node(String[] w, int i, SortedSet<Integer> nodes) {
        return ScenarioParser.nodeId(word(w, i), nodes, "host");
    }

    private static boolean onOff(String[] w, int i) {
        return switch (word(w, i)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("use on or off, got '" + w[i] + "'");
        };
    }
}
