package io.tokentally.ingest;

import java.io.IOException;
import java.io.Reader;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads the records of one registered file with its format's reader. Restartable: it saves how many
 * records it has handed out and skips them when a failed partition is restarted.
 */
public class UsageFileItemReader implements ItemStreamReader<RawRecord> {

    static final String RECORDS_READ = "usageFile.recordsRead";

    private final RegisteredFile file;
    private final UsageFormat format;
    private RecordCursor cursor;
    private long recordsRead;

    public UsageFileItemReader(RegisteredFile file, UsageFormat format) {
        this.file = file;
        this.format = format;
    }

    public RegisteredFile file() {
        return file;
    }

    @Override
    public void open(ExecutionContext context) {
        long alreadyRead = context.getLong(RECORDS_READ, 0L);
        try {
            Reader reader = InputFiles.openText(file.path());
            cursor = format.open(reader);
            for (long i = 0; i < alreadyRead; i++) {
                if (cursor.next() == null) {
                    throw new ItemStreamException(file.path() + " has fewer records (" + i
                            + ") than were read before the restart (" + alreadyRead + "): it changed on disk");
                }
            }
            recordsRead = alreadyRead;
        } catch (IOException e) {
            throw new ItemStreamException("cannot open " + file.path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RawRecord read() throws IOException {
        RawRecord record = cursor.next();
        if (record != null) {
            recordsRead++;
        }
        return record;
    }

    @Override
    public void update(ExecutionContext context) {
        context.putLong(RECORDS_READ, recordsRead);
    }

    @Override
    public void close() {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (IOException e) {
                throw new ItemStreamException("cannot close " + file.path(), e);
            } finally {
                cursor = null;
            }
        }
    }
}
