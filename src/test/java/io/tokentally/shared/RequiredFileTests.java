package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequiredFileTests {

    @Test
    void saysAMissingFileAFolderAndAPipeEachInItsOwnWordsAndTakesAFile(@TempDir Path dir) throws Exception {
        // given a file, a folder, a named pipe (what --job-file <(...) gives) and a name with nothing behind it
        Path file = Files.writeString(dir.resolve("plans.yaml"), "plans: []\n");
        Path folder = Files.createDirectories(dir.resolve("folder.yaml"));
        Path pipe = dir.resolve("pipe.yaml");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor())
                .isZero();

        // when, then: the pipe was said not to exist
        assertThat(RequiredFile.fault(file)).isEmpty();
        assertThat(RequiredFile.fault(folder)).contains(folder + " is a folder, not a file");
        assertThat(RequiredFile.fault(pipe))
                .contains(pipe + " is not a regular file (a pipe or a device); give a file");
        assertThat(RequiredFile.fault(dir.resolve("missing.yaml")))
                .contains("the file " + dir.resolve("missing.yaml") + " does not exist");
    }
}
