package io.tokentally.ingest.provider;

import io.tokentally.ingest.RawRecord;

/** A source record translated into the columns of a tokentally format (usage or provider cost). */
interface TranslatedRecord {

    /** The record as the format's parser reads it, numbered {@code lineNo}, showing {@code raw} in rejects. */
    RawRecord toRawRecord(long lineNo, String raw);
}
