package dev.adjoint.processor.codegen;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.MethodModel;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.plan.ClassPlan;
import dev.adjoint.processor.transform.analysis.Purity;
import dev.adjoint.processor.transform.forward.ForwardDerivative;
import dev.adjoint.processor.transform.forward.VectorMode;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import dev.adjoint.processor.transform.second.HvpSweep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Assembles {@code CAdjoint} for one class from the writers of its artefacts: per annotated method
 * {@code m}, the records {@code MGrad} and {@code MValueAndGrad} ({@link GradRecordWriter}); for a
 * derived method, the class {@code MVjp} with the sharing factory other adjoints call and {@code
 * mVjp} ({@link VjpWriter}), {@code mValueAndGrad} and {@code mGrad} ({@link ValueAndGradWriter}),
 * the workspace ({@link WorkspaceWriter}), or all of them on a sweeps object where the method is
 * too long for one JVM method ({@link SplitSweeps}); for a custom rule, its adapters ({@link
 * CustomRuleWriter}; for a {@code @CustomJvp} rule, {@link JvpRuleWriter} with the transpose of
 * its tangent map, a private derived Vjp); {@code mFunction} and, for a {@code double[]} result,
 * {@code mVectorFunction}, with {@code mFlatten} and {@code mUnflatten} ({@link FunctionWriter});
 * for {@code @CustomVjp} methods whose body is in the supported subset, {@code FromBody}, the gradient derived from the body ({@link
 * FromBodyWriter}); for a method with a {@code double} or {@code double[]} result, {@code MJvp},
 * {@code mJvp}, the workspace {@code MJvpWorkspace} and, for a {@code double[]} result, the
 * Jacobians ({@link JvpWriter}); for an {@code order = 2} method, its second-order members
 * ({@link HvpWriter}). It decides which artefacts a method gets and in which order, and
 * writes none itself.
 *
 * <p>Three rules hold for everything written here. Names: no variable of generated code takes a
 * name that generated code also writes at the start of a qualified name ({@link GeneratedClass});
 * the user's parameters and locals of such names are renamed. Ownership: what a user gets (a Vjp,
 * its value, a gradient, a workspace's buffers) shares no array with anything the user or a rule
 * may write later; generated callers share instead of copying, through {@link
 * AdjointNames#SHARING}, since they run the pullback before anything changes. Documentation: every
 * member has Javadoc, so that builds with {@code -Xdoclint:all -Werror} pass.
 */
public final class AdjointClassWriter {
  private final GeneratedClass g;
  private final ValueAndGradWriter valueAndGrad;
  private final VjpWriter vjps;
  private final WorkspaceWriter workspaces;
  private final CustomRuleWriter rules;
  private final FunctionWriter functions;
  private final JvpWriter jvps;
  private final JvpRuleWriter jvpRules;

  private AdjointClassWriter(GeneratedClass g) {
    this.g = g;
    this.valueAndGrad = new ValueAndGradWriter(g);
    this.vjps = new VjpWriter(g);
    this.workspaces = new WorkspaceWriter(g);
    this.rules = new CustomRuleWriter(g);
    this.functions = new FunctionWriter(g);
    this.jvps = new JvpWriter(g);
    this.jvpRules = new JvpRuleWriter(g);
  }

  /**
   * @param derived the derivatives of the {@code @Differentiable} methods, by name
   * @param fromBody the derivatives of {@code @CustomVjp} bodies in the subset, by name
   * @param forward the forward derivatives of the bodies, by name: of a {@code @Differentiable}
   *     method, its {@code mJvp} (one with none gets its JVP through its pullback); of a {@code
   *     @CustomVjp} method, {@code FromBody.mJvp}
   * @param vectors the vector forward derivatives of methods with a {@code double[]} result, by
   *     name: their Jacobian in one sweep
   * @param transposed the reverse derivatives of the {@code @Jvp} rules' tangent maps, by the
   *     name of their {@code @CustomJvp} method
   * @param generatedAnnotation whether the user's module can see {@code @Generated}
   * @param splitAbove the estimated size (see {@link MethodSize}) above which a derivative's sweeps
   *     are split into methods of their own ({@link SplitSweeps})
   */
  public static TypeSpec write(
      ClassPlan plan,
      Map<String, ReverseDerivative> derived,
      Map<String, ReverseDerivative> fromBody,
      Map<String, ForwardDerivative> forward,
      Map<String, VectorMode.VectorDerivative> vectors,
      Map<String, ReverseDerivative> transposed,
      boolean generatedAnnotation,
      int splitAbove) {
    return write(plan, derived, fromBody, forward, vectors, transposed, Map.of(),
        generatedAnnotation, splitAbove);
  }

  /**
   * {@link #write(ClassPlan, Map, Map, Map, Map, Map, boolean, int)} with second-order members.
   *
   * @param hvps the Hessian-vector products of the {@code order = 2} methods, by name ({@link
   *     HvpWriter})
   */
  public static TypeSpec write(
      ClassPlan plan,
      Map<String, ReverseDerivative> derived,
      Map<String, ReverseDerivative> fromBody,
      Map<String, ForwardDerivative> forward,
      Map<String, VectorMode.VectorDerivative> vectors,
      Map<String, ReverseDerivative> transposed,
      Map<String, HvpSweep> hvps,
      boolean generatedAnnotation,
      int splitAbove) {
    List<ReverseDerivative> all = new ArrayList<>(derived.values());
    all.addAll(fromBody.values());
    all.addAll(transposed.values());
    hvps.values().forEach(h -> all.add(h.derivative()));
    return new AdjointClassWriter(new GeneratedClass(plan, all)).write(derived, fromBody,
        forward, vectors, transposed, hvps, generatedAnnotation, splitAbove);
  }

  private TypeSpec write(
      Map<String, ReverseDerivative> derived, Map<String, ReverseDerivative> fromBody,
      Map<String, ForwardDerivative> forward, Map<String, VectorMode.VectorDerivative> vectors,
      Map<String, ReverseDerivative> transposed, Map<String, HvpSweep> hvps,
      boolean generatedAnnotation, int splitAbove) {
    TypeSpec.Builder type = g.typeBuilder(generatedAnnotation);
    FromBodyWriter fromBodyType = new FromBodyWriter(g, valueAndGrad, functions);
    RecordFacadeWriter records = new RecordFacadeWriter(g, jvps, workspaces);
    for (ClassPlan.MethodPlan m : g.plan().methods()) {
      MethodModel model = m.model();
      Signature s = model.signature();
      Modifier[] vis = Members.visibility(s.isPublic());
      if (s.hasRecords()) {
        // The members that take the records; those below take their leaves (Signature#stem).
        records.write(s, vis, type);
      }
      type.addType(GradRecordWriter.gradRecord(s, vis));
      boolean scalar = s.result().equals(TypeName.DOUBLE);
      if (scalar) {
        // A gradient, a workspace and a function are of a scalar result; any result has a Vjp.
        type.addType(GradRecordWriter.valueAndGradRecord(s, vis));
      }
      if (model.isCustom()) {
        if (model.hasVjpRule()) {
          type.addType(rules.customVjpClass(s, model.rule().get(), vis));
          type.addMethod(rules.customVjpMethod(s, vis));
        } else {
          // The transpose of the rule's tangent map: private, reached through MVjp.
          ReverseDerivative t = transposed.get(s.name());
          Modifier[] hidden = {Modifier.PRIVATE};
          type.addType(GradRecordWriter.gradRecord(t.signature(), hidden));
          type.addType(vjps.derivedVjpClass(t, hidden));
          type.addType(jvpRules.ruleVjpClass(s, model.jvpRule().get(), vis));
          type.addMethod(jvpRules.ruleVjpMethod(s, vis));
        }
        if (scalar) {
          type.addMethods(rules.viaVjp(s, vis));
          type.addType(rules.customWorkspaceClass(s, vis));
          type.addMethod(workspaces.workspaceMethod(s, vis));
        }
        ReverseDerivative d = scalar ? fromBody.get(s.name()) : null;
        if (d != null) {
          fromBodyType.add(d, vis);
        }
        ForwardDerivative body = forward.get(s.name());
        if (body != null && MethodSize.estimate(body) <= splitAbove) {
          fromBodyType.addJvp(jvps.jvpMethod(body, vis));
        }
      } else if (MethodSize.estimate(derived.get(s.name())) > splitAbove) {
        new SplitSweeps(g, valueAndGrad, vjps, workspaces, derived.get(s.name()), splitAbove)
            .write(vis, type);
      } else {
        ReverseDerivative d = derived.get(s.name());
        type.addType(vjps.derivedVjpClass(d, vis));
        type.addMethod(vjps.derivedVjpMethod(d, vis));
        if (scalar) {
          type.addMethod(valueAndGrad.fusedValueAndGrad(d, vis, "of"));
          type.addMethod(valueAndGrad.gradFromValueAndGrad(s, vis));
          type.addType(workspaces.workspaceClass(d, vis));
          type.addMethod(workspaces.workspaceMethod(s, vis));
        }
      }
      if (scalar) {
        type.addMethods(functions.functions(s, vis, false, hvps.containsKey(s.name())));
      }
      type.addMethods(functions.flattening(s, vis));
      if (AdjointNames.hasJvp(s)) {
        type.addType(jvps.jvpRecord(s, vis));
        // A rule's JVP is the rule's (a VJP rule's through its pullback); its body's is only
        // FromBody's.
        ForwardDerivative f = model.isCustom() ? null : forward.get(s.name());
        boolean swept = f != null && MethodSize.estimate(f) <= splitAbove;
        if (model.hasJvpRule()) {
          type.addMethod(jvpRules.jvpMethod(s, model.jvpRule().get(), vis));
        } else if (swept) {
          type.addMethod(jvps.jvpMethod(f, vis));
        } else if (f != null) {
          new SplitJvp(g, jvps, f, splitAbove).write(vis, type);
        } else {
          type.addMethod(jvps.jvpByPullbacks(s, vis));
        }
        type.addType(jvps.jvpWorkspaceClass(s, swept ? f : null, vis));
        type.addMethod(jvps.jvpWorkspaceMethod(s, vis));
        if (s.result().equals(Expr.DOUBLE_ARRAY)) {
          // A Jacobian and a vector function are of a double[] result; a double[][] result
          // gets the Vjp and the JVP only (README: what a matrix result gets).
          boolean byColumns = f != null && m.body().isPresent()
              && Purity.repeatable(m.body().get());
          VectorMode.VectorDerivative vector = byColumns ? vectors.get(s.name()) : null;
          if (vector != null && MethodSize.estimate(vector.body()) > splitAbove) {
            vector = null;
          }
          type.addType(jvps.valueAndJacobianRecord(s, vis, vector));
          type.addMethod(jvps.valueAndJacobian(s, vis, byColumns, vector != null));
          type.addMethod(jvps.jacobianMethod(s, vis));
          type.addMethods(functions.vectorFunctions(s, vis, model.isCustom()));
        }
      }
      HvpSweep hvp = hvps.get(s.name());
      if (hvp != null) {
        new HvpWriter(g).write(s, hvp, vis, type);
      }
    }
    new NestedWriter(g).write(type);
    fromBodyType.addTo(type);
    g.privateFields().holder().ifPresent(type::addType);
    return type.build();
  }

  /** The file for a class that {@link #write} made (and the caller gave its originating elements). */
  public static JavaFile file(String packageName, TypeSpec type) {
    return JavaFile.builder(packageName, type).indent("  ").build();
  }
}
