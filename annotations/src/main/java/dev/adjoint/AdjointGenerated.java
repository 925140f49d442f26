package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class the Adjoint processor generated ({@code CAdjoint}). Unlike {@code
 * javax.annotation.processing.Generated} it is kept in class files, so that the processor knows
 * its own output from an earlier build when that output is on the class path (builds that
 * recompile only changed files do this), instead of taking it for a user's type. Not for user
 * code.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface AdjointGenerated {}
