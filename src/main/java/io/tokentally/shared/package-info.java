/** Vocabulary and utilities every stage uses: token types, tiers, usage windows, exact money arithmetic and its one rounding place, UTC time in SQL, the clock. */
package io.tokentally.shared;
