package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class IngestProgressTests {

    @Test
    void aWorkerCountsTheFilesOfOneRunTogetherAndStartsAfreshForTheNextRun(CapturedOutput output) {
        // given a worker's progress, logged at every count
        IngestProgress progress = new IngestProgress(0);

        // when it reads two files of run 7, one after the other, then one of run 8
        progress.startUnlessCounting(7);
        progress.rowsDone(100);
        progress.fileDone();
        progress.startUnlessCounting(7);
        progress.rowsDone(50);
        progress.startUnlessCounting(8);
        progress.rowsDone(30);

        // then run 7's rows add up across its files, and run 8's count from zero
        assertThat(output.getAll().lines().filter(line -> line.contains("Ingest progress")))
                .hasSize(3)
                .satisfiesExactly(
                        line -> assertThat(line)
                                .contains("Ingest progress: 100 rows (")
                                .endsWith(", files done: 0"),
                        line -> assertThat(line)
                                .contains("Ingest progress: 150 rows (")
                                .endsWith(", files done: 1"),
                        line -> assertThat(line)
                                .contains("Ingest progress: 30 rows (")
                                .endsWith(", files done: 0"));
    }
}
