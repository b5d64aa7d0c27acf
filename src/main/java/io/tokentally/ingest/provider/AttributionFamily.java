package io.tokentally.ingest.provider;

import io.tokentally.shared.NearestName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The attribution keys of a reader family: the names its readers give a record's keys ({@code project_id}) and the
 * prefixes of those whose name comes from the record ({@code metadata.} for {@code metadata.<key>}). A mapping row
 * or a key order naming another key is refused, since that key would never match and its usage would be left
 * unattributed, silently; a reader building another key fails ({@link CustomerAttribution#customerOf}), so that no
 * reader builds a key the declaration lacks (a declared key no reader builds is not found out). Keys are matched as
 * written, letter case included.
 *
 * @param name the family's name, a mapping key's part before its first dot
 * @param names the keys the readers name, as the messages list them
 * @param prefixes the prefixes, each ending in a dot, of keys named by the record
 */
record AttributionFamily(String name, List<String> names, List<String> prefixes) {

    AttributionFamily {
        names = List.copyOf(names);
        prefixes = List.copyOf(prefixes);
    }

    /** Whether the family's readers may build this key; a name taken from the record may be empty. */
    boolean builds(String key) {
        return names.contains(key) || prefixes.stream().anyMatch(key::startsWith);
    }

    /** Whether a mapping row or a key order may name this key: one of the names, or a prefix and a name after it. */
    boolean declares(String key) {
        return names.contains(key)
                || prefixes.stream().anyMatch(prefix -> key.startsWith(prefix) && key.length() > prefix.length());
    }

    /**
     * Why a key is not one of the family's, and the one nearest it, both written after {@code qualifier}
     * ({@code openai.} in the mapping file); empty when it is one.
     */
    Optional<String> unknown(String key, String qualifier) {
        if (declares(key)) {
            return Optional.empty();
        }
        String problem = "key " + qualifier + key + " is not a key of " + name + " (its keys: " + listed() + ")";
        String nearest = nearest(key);
        if (nearest == null) {
            return Optional.of(problem);
        }
        return Optional.of(problem + "; did you mean " + qualifier + nearest + "?"
                + (nearest.equalsIgnoreCase(key) ? " Keys are matched as written, letter case included" : ""));
    }

    /** The family's key nearest the given one, as {@link NearestName} finds it; null if none is near. */
    String nearest(String key) {
        return NearestName.ignoringCase(key, nearCandidates(key));
    }

    /** The keys as the messages list them: the names, then each prefix with {@code <key>} after it. */
    String listed() {
        List<String> listed = new ArrayList<>(names);
        prefixes.forEach(prefix -> listed.add(prefix + "<key>"));
        return String.join(", ", listed);
    }

    /** The names, and each prefix before the key's part after its first dot: {@code label.team} for labels.team. */
    private List<String> nearCandidates(String key) {
        String recordName = key.substring(key.indexOf('.') + 1);
        List<String> candidates = new ArrayList<>(names);
        if (!recordName.isEmpty()) {
            prefixes.forEach(prefix -> candidates.add(prefix + recordName));
        }
        return candidates;
    }
}
