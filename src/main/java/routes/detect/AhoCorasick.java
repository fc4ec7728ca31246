package routes.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * Finds whether any of many literals occurs in a text in one pass (Aho–Corasick). Used for the long OR-lists of
 * {@code contains} values and keywords that Sigma rules are made of, which would otherwise scan the text once per
 * literal. Built once per rule; matching allocates nothing.
 */
final class AhoCorasick {

    private final char[][] edgeChars;
    private final int[][] edgeTargets;
    private final int[] failure;
    /** Index of a literal that ends at this state (directly or through failure links), or -1. */
    private final int[] output;
    private final String[] literals;
    /** The root's transitions for ASCII characters: most characters of a text leave the root, or stay there. */
    private final int[] rootNext = new int[128];
    /** Every literal ending at a state, its own and those reached through failure links. */
    private final int[][] outputs;

    AhoCorasick(List<String> words) {
        literals = words.toArray(String[]::new);
        List<char[]> chars = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        List<Integer> out = new ArrayList<>();
        List<int[]> own = new ArrayList<>();
        own.add(new int[0]);
        chars.add(new char[0]);
        targets.add(new int[0]);
        out.add(-1);
        for (int w = 0; w < literals.length; w++) {
            int state = 0;
            for (char ch : literals[w].toCharArray()) {
                int next = find(chars.get(state), targets.get(state), ch);
                if (next < 0) {
                    next = chars.size();
                    chars.add(new char[0]);
                    targets.add(new int[0]);
                    out.add(-1);
                    own.add(new int[0]);
                    chars.set(state, append(chars.get(state), ch));
                    targets.set(state, append(targets.get(state), next));
                }
                state = next;
            }
            if (out.get(state) < 0) {
                out.set(state, w);
            }
            own.set(state, append(own.get(state), w));
        }
        edgeChars = chars.toArray(char[][]::new);
        edgeTargets = targets.toArray(int[][]::new);
        output = out.stream().mapToInt(Integer::intValue).toArray();
        for (int e = 0; e < edgeChars[0].length; e++) {
            if (edgeChars[0][e] < 128) {
                rootNext[edgeChars[0][e]] = edgeTargets[0][e];
            }
        }
        failure = new int[edgeChars.length];
        outputs = new int[edgeChars.length][];
        outputs[0] = own.get(0);
        Queue<Integer> queue = new ArrayDeque<>();
        for (int child : edgeTargets[0]) {
            int[] mine = own.get(child);
            int[] all = Arrays.copyOf(mine, mine.length + outputs[0].length);
            System.arraycopy(outputs[0], 0, all, mine.length, outputs[0].length);
            outputs[child] = all;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int state = queue.remove();
            for (int e = 0; e < edgeChars[state].length; e++) {
                char ch = edgeChars[state][e];
                int child = edgeTargets[state][e];
                int f = failure[state];
                while (f > 0 && find(edgeChars[f], edgeTargets[f], ch) < 0) {
                    f = failure[f];
                }
                int fallback = find(edgeChars[f], edgeTargets[f], ch);
                failure[child] = fallback >= 0 && fallback != child ? fallback : 0;
                if (output[child] < 0) {
                    output[child] = output[failure[child]];
                }
                int[] inherited = outputs[failure[child]];
                int[] mine = own.get(child);
                int[] all = Arrays.copyOf(mine, mine.length + inherited.length);
                System.arraycopy(inherited, 0, all, mine.length, inherited.length);
                outputs[child] = all;
                queue.add(child);
            }
        }
    }

    /** The literal found first in the text, or null. An empty literal is found in every text. */
    String firstIn(String text) {
        if (output[0] >= 0) {
            return literals[output[0]];
        }
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            while (true) {
                if (state == 0) {
                    state = ch < 128 ? rootNext[ch] : Math.max(find(edgeChars[0], edgeTargets[0], ch), 0);
                    break;
                }
                int next = find(edgeChars[state], edgeTargets[state], ch);
                if (next >= 0) {
                    state = next;
                    break;
                }
                state = failure[state];
            }
            if (output[state] >= 0) {
                return literals[output[state]];
            }
        }
        return null;
    }

    /** Sets, in {@code found}, the id ({@code ids[literal]}) of every literal occurring in the text. */
    void allIn(String text, int[] ids, java.util.BitSet found) {
        for (int word : outputs[0]) {
            found.set(ids[word]);
        }
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            state = step(state, text.charAt(i));
            for (int word : outputs[state]) {
                found.set(ids[word]);
            }
        }
    }

    private int step(int from, char ch) {
        int state = from;
        while (true) {
            if (state == 0) {
                return ch < 128 ? rootNext[ch] : Math.max(find(edgeChars[0], edgeTargets[0], ch), 0);
            }
            int next = find(edgeChars[state], edgeTargets[state], ch);
            if (next >= 0) {
                return next;
            }
            state = failure[state];
        }
    }

    private static int find(char[] chars, int[] targets, char ch) {
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == ch) {
                return targets[i];
            }
        }
        return -1;
    }

    private static char[] append(char[] array, char ch) {
        char[] bigger = Arrays.copyOf(array, array.length + 1);
        bigger[array.length] = ch;
        return bigger;
    }

    private static int[] append(int[] array, int value) {
        int[] bigger = Arrays.copyOf(array, array.length + 1);
        bigger[array.length] = value;
        return bigger;
    }
}
