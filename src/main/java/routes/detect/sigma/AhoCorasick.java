package routes.detect.sigma;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * Finds whether any of many literals occurs in a text in one pass (Aho–Corasick). Used for the long OR-lists of
 * {@code contains} values and keywords that Sigma rules are made of, which would otherwise scan the text once per
 * literal, and by the engine's {@link Prefilter}. Built once; matching allocates nothing.
 */
final class AhoCorasick {

    /** Index of a literal that ends at this state (directly or through failure links), or -1. */
    private final int[] output;
    private final String[] literals;
    /** Every literal ending at a state, its own and those reached through failure links. */
    private final int[][] outputs;
    /**
     * The automaton as a table: the next state for a state and a character class. The classes are the distinct
     * characters of the literals (1..n) and every other character (0), which always leads back to the root.
     */
    private final int[] next;
    private final int classes;
    private final char[] alphabet;
    private final int[] asciiClass = new int[128];

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
        java.util.TreeSet<Character> distinct = new java.util.TreeSet<>();
        for (int w = 0; w < literals.length; w++) {
            int state = 0;
            for (char ch : literals[w].toCharArray()) {
                distinct.add(ch);
                int child = find(chars.get(state), targets.get(state), ch);
                if (child < 0) {
                    child = chars.size();
                    chars.add(new char[0]);
                    targets.add(new int[0]);
                    out.add(-1);
                    own.add(new int[0]);
                    chars.set(state, append(chars.get(state), ch));
                    targets.set(state, append(targets.get(state), child));
                }
                state = child;
            }
            if (out.get(state) < 0) {
                out.set(state, w);
            }
            own.set(state, append(own.get(state), w));
        }
        alphabet = new char[distinct.size()];
        int a = 0;
        for (char ch : distinct) {
            alphabet[a] = ch;
            if (ch < 128) {
                asciiClass[ch] = a + 1;
            }
            a++;
        }
        classes = alphabet.length + 1;
        int states = chars.size();
        next = new int[states * classes];
        output = out.stream().mapToInt(Integer::intValue).toArray();
        int[] failure = new int[states];
        outputs = new int[states][];
        outputs[0] = own.get(0);
        Queue<Integer> queue = new ArrayDeque<>();
        for (int e = 0; e < chars.get(0).length; e++) {
            int child = targets.get(0)[e];
            next[classOf(chars.get(0)[e])] = child;
            int[] mine = own.get(child);
            int[] all = Arrays.copyOf(mine, mine.length + outputs[0].length);
            System.arraycopy(outputs[0], 0, all, mine.length, outputs[0].length);
            outputs[child] = all;
            queue.add(child);
        }
        // breadth first: a state's failure state is shallower, so its row of the table is already complete
        while (!queue.isEmpty()) {
            int state = queue.remove();
            System.arraycopy(next, failure[state] * classes, next, state * classes, classes);
            for (int e = 0; e < chars.get(state).length; e++) {
                char ch = chars.get(state)[e];
                int child = targets.get(state)[e];
                failure[child] = next[failure[state] * classes + classOf(ch)];
                if (failure[child] == child) {
                    failure[child] = 0;
                }
                next[state * classes + classOf(ch)] = child;
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
            state = next[state * classes + classOf(text.charAt(i))];
            if (output[state] >= 0) {
                return literals[output[state]];
            }
        }
        return null;
    }

    /** Sets, in {@code found}, the index (in the list given at construction) of every literal in the text. */
    void allIn(String text, java.util.BitSet found) {
        for (int word : outputs[0]) {
            found.set(word);
        }
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            state = next[state * classes + classOf(text.charAt(i))];
            if (output[state] >= 0) {
                for (int word : outputs[state]) {
                    found.set(word);
                }
            }
        }
    }

    private int classOf(char ch) {
        if (ch < 128) {
            return asciiClass[ch];
        }
        int at = Arrays.binarySearch(alphabet, ch);
        return at < 0 ? 0 : at + 1;
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
