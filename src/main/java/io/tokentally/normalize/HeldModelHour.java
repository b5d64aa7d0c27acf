package io.tokentally.normalize;

import java.time.Instant;

/**
 * A row of {@code held_model_hour}: a provider's model that had usage without a price in an hour. Ingest
 * records it with the held totals; the rate step settles it once the catalog prices the model.
 */
public record HeldModelHour(String provider, String model, Instant hourStart) {}
