package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommittedKeysTests {

    @Test
    void anInstanceGivenBackIsHandedToTheNextPassOfItsRunAndDroppedOnceTheRunsIngestStepEnded() {
        // given: the pool of two runs, each with an instance given back
        CommittedKeys.Pool pool = new CommittedKeys.Pool(null);
        CommittedKeys first = pool.take(1);
        CommittedKeys other = pool.take(2);
        pool.giveBack(1, first);
        pool.giveBack(2, other);

        // when, then: run 1's next pass gets run 1's instance, never run 2's
        assertThat(pool.take(1)).isSameAs(first);

        // when run 1's ingest step ends while a pass still holds the instance, which it then gives back
        pool.release(1);
        pool.giveBack(1, first);

        // then it is not kept: a pass of run 1 would start afresh, and run 2's instance is still there
        assertThat(pool.take(1)).isNotSameAs(first);
        assertThat(pool.take(2)).isSameAs(other);
    }
}
