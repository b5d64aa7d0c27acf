package io.tokentally.plans;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Usage a fixed-fee plan includes in each billing period: an amount in USD of billed usage, or a number
 * of tokens, for every model or for a model group ({@code provider/model} or {@code provider/*}).
 *
 * @param usd the included billed amount per period, or null for a token allowance
 * @param tokens the included tokens per period, or null for a USD allowance
 * @param models the model group; empty means every model
 */
public record Allowance(String name, BigDecimal usd, Long tokens, List<String> models) {

    public Allowance {
        if ((usd == null) == (tokens == null)) {
            throw new IllegalArgumentException("allowance '" + name + "' must have either usd or tokens");
        }
        models = models.stream().map(m -> m.strip().toLowerCase(Locale.ROOT)).toList();
    }

    public boolean inTokens() {
        return tokens != null;
    }

    /** Whether usage of a canonical model counts against this allowance. */
    public boolean covers(String model) {
        if (models.isEmpty()) {
            return true;
        }
        for (String pattern : models) {
            if (covers(pattern, model)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one model of a group ({@code provider/model} or {@code provider/*}) covers a canonical model. */
    public static boolean covers(String pattern, String model) {
        return pattern.equals(model)
                || (pattern.endsWith("/*") && model.startsWith(pattern.substring(0, pattern.length() - 1)));
    }
}
