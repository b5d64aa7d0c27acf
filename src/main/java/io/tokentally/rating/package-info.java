/** Usage lines summed per customer, model, token type, tiers and hour, priced at the version in force and written as rated aggregates. */
package io.tokentally.rating;
