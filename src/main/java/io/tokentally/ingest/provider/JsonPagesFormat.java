package io.tokentally.ingest.provider;

import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RecordCursor;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.shared.JacksonMessages;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A provider API's responses saved as files: one page, a JSON array of pages, or one page per line
 * (what a pull through the API's pages writes). The whole file is parsed when it is opened, so a file
 * that is not valid JSON, or whose pages lack their list, fails as a whole and no record of it is
 * read. Records are numbered 1, 2, ... in file order; that number stands in for a line number.
 */
abstract class JsonPagesFormat implements UsageFormat {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** The page's records (for bucketed APIs: each result with its bucket); fails the file when malformed. */
    abstract List<JsonNode> items(JsonNode page, int pageNo);

    /** Translates one record; a {@link RecordProblem} rejects it with its message. */
    abstract List<? extends TranslatedRecord> translate(JsonNode item);

    /** The mapper that parses the file; cost formats read decimals exactly. */
    JsonMapper mapper() {
        return JSON;
    }

    @Override
    public RecordCursor open(Reader reader) throws IOException {
        List<RawRecord> records = new ArrayList<>();
        int pageNo = 0;
        for (JsonNode page : pages(reader, mapper())) {
            for (JsonNode item : items(page, ++pageNo)) {
                records.addAll(toRecords(records.size() + 1L, item));
            }
        }
        Iterator<RawRecord> iterator = records.iterator();
        return new RecordCursor() {
            @Override
            public RawRecord next() {
                return iterator.hasNext() ? iterator.next() : null;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /**
     * The records of one item, numbered on from {@code firstNo}: an item that becomes two records (a result's
     * audio part rejected apart from its text) takes two numbers, since a file's rejects are kept by number.
     */
    private List<RawRecord> toRecords(long firstNo, JsonNode item) {
        String raw = item.toString();
        try {
            List<RawRecord> records = new ArrayList<>();
            for (TranslatedRecord record : translate(item)) {
                records.add(record.toRawRecord(firstNo + records.size(), raw));
            }
            return records;
        } catch (RecordProblem e) {
            return List.of(RawRecord.malformed(firstNo, raw, e.getMessage()));
        } catch (JacksonException e) {
            // a field the translation read as another JSON kind than it holds: the record's fault, not the file's
            return List.of(RawRecord.malformed(firstNo, raw, wrongKind(e)));
        }
    }

    /** The reason of a record one of whose fields is not of the JSON kind its format gives. */
    static String wrongKind(JacksonException e) {
        return "a field is not of the JSON kind the format gives: "
                + JacksonMessages.withoutSource(e.getOriginalMessage());
    }

    private static List<JsonNode> pages(Reader reader, JsonMapper mapper) {
        List<JsonNode> pages = new ArrayList<>();
        try (MappingIterator<JsonNode> values = mapper.readerFor(JsonNode.class).readValues(reader)) {
            while (values.hasNextValue()) {
                JsonNode value = values.nextValue();
                if (value.isArray()) {
                    value.forEach(pages::add);
                } else {
                    pages.add(value);
                }
            }
        } catch (JacksonException e) {
            throw new FileFormatException(
                    "the file is not valid JSON: " + JacksonMessages.withoutSource(e.getOriginalMessage()));
        }
        if (pages.isEmpty()) {
            throw new FileFormatException("the file holds no page");
        }
        return pages;
    }

    /**
     * Each result of a bucketed page ({@code data[].results[]}) as an item holding it ({@code result}) and its
     * bucket's bounds under the API's own names ({@code startField}, {@code endField}).
     */
    static List<JsonNode> bucketResults(JsonNode page, int pageNo, String startField, String endField) {
        return bucketResults(page, pageNo, startField, endField, startField, endField);
    }

    /**
     * {@link #bucketResults(JsonNode, int, String, String)}, the bounds named {@code startKey} and {@code endKey} in
     * the item; a page or bucket without its list fails the file.
     */
    static List<JsonNode> bucketResults(
            JsonNode page, int pageNo, String startField, String endField, String startKey, String endKey) {
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode bucket : requiredArray(page, "data", pageNo)) {
            for (JsonNode result : requiredArray(bucket, "results", pageNo)) {
                ObjectNode item = JSON.createObjectNode();
                item.set(startKey, bucket.get(startField));
                item.set(endKey, bucket.get(endField));
                item.set("result", result);
                items.add(item);
            }
        }
        return items;
    }

    /** The array a page must have, e.g. {@code data}; its absence fails the whole file. */
    static JsonNode requiredArray(JsonNode page, String field, int pageNo) {
        JsonNode array = page.isObject() ? page.get(field) : null;
        if (array == null || !array.isArray()) {
            throw new FileFormatException("page " + pageNo + " has no '" + field + "' array");
        }
        return array;
    }

    /** Whether the text starts like a JSON object or array. */
    static boolean isJson(String head) {
        String start = head.stripLeading();
        return start.startsWith("{") || start.startsWith("[");
    }

    /** Whether the head contains every marker (e.g. a quoted key or object type). */
    static boolean containsAll(String head, String... markers) {
        for (String marker : markers) {
            if (!head.contains(marker)) {
                return false;
            }
        }
        return true;
    }
}
