/** Scheduled jobs: the {@code jobs/} files, the scheduler of {@code serve}, its single-runner lock and missed runs. */
package io.tokentally.schedule;
