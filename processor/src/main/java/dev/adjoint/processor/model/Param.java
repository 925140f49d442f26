package dev.adjoint.processor.model;

import com.palantir.javapoet.TypeName;

/**
 * A parameter of an annotated method.
 *
 * @param name the parameter's name in source
 * @param type its type
 * @param differentiable whether it gets a cotangent (a {@code double} not marked {@code @NoDiff})
 */
public record Param(String name, TypeName type, boolean differentiable) {}
