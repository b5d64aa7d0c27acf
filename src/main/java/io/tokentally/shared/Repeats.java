package io.tokentally.shared;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The first element a setting's list gives twice, which its checks refuse: a second mention means nothing. */
public final class Repeats {

    private Repeats() {}

    /** The first element of {@code list} that an earlier one equals; nulls are left to the list's other checks. */
    public static <T> Optional<T> firstRepeated(List<T> list) {
        Set<T> seen = new HashSet<>();
        return list.stream()
                .filter(element -> element != null && !seen.add(element))
                .findFirst();
    }

    /** Why a setting or option {@code name} giving {@code list} is refused, when it gives an element twice. */
    public static <T> Optional<String> refusal(String name, List<T> list) {
        return firstRepeated(list).map(twice -> name + " lists " + twice + " twice; list each once");
    }
}
