using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Matching;

/// <summary>
/// Follows an optimizer between the methods of a compilation, the way training code is spread: built in one method
/// and stepped in another, passed as an argument, returned by a factory, kept in a field set elsewhere. Backward from
/// a step to the constructions it may read (<see cref="Sources"/>, NG2001) and forward from a construction to the
/// steps that may read it (<see cref="ReachesUnclippedStep"/>, NG2003), over the same edges.
/// </summary>
/// <remarks>
/// What it reads of the compilation is found once per session and only when asked: the calls of a method by name
/// (<see cref="Session.CallsNamed"/>, one walk of the files whose text holds the name), the values passed for a
/// parameter and what a method returns. A walk visits at most <see cref="MaxVisits"/> values and each symbol once,
/// so recursion and cycles (a method that passes its optimizer to itself) end; each walk starts afresh from cached,
/// order-independent facts, so its answer does not depend on which rule or block asked first.
/// </remarks>
internal static class OptimizerFlow
{
    private const int MaxVisits = 64;

    /// <summary>
    /// The values the optimizer <paramref name="optimizer"/> reads may come from, through locals, fields and
    /// properties, parameters and factory methods: constructions, and whatever else the walk ends on (a value it
    /// cannot follow), in a fixed order.
    /// </summary>
    public static IEnumerable<IOperation> Sources(IOperation optimizer, Session session)
    {
        var pending = new Stack<IOperation>();
        var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        pending.Push(optimizer);
        for (var visits = 0; pending.Count > 0 && visits < MaxVisits; visits++)
        {
            var value = ValueFlow.Unwrap(pending.Pop(), session);
            var next = value switch
            {
                IFieldReferenceOperation or IPropertyReferenceOperation when visited.Add(((IMemberReferenceOperation)value).Member.OriginalDefinition) =>
                    MemberValues.AssignedValues((IMemberReferenceOperation)value),
                IParameterReferenceOperation parameter when IsUnchanged(parameter, session) && visited.Add(parameter.Parameter.OriginalDefinition) =>
                    ArgumentsFor(parameter.Parameter, session),
                IInvocationOperation call when !OptimizerOrigin.IsConstruction(call, session) && IsFactory(call.TargetMethod, session)
                        && visited.Add(call.TargetMethod.OriginalDefinition) =>
                    ReturnedValues(call.TargetMethod.OriginalDefinition, session),
                _ => ImmutableArray<IOperation>.Empty,
            };
            // A construction, or a value the walk cannot follow further (the caller tells them apart).
            if (next.IsEmpty)
            {
                yield return value;
                continue;
            }
            // Pushed in reverse, so that the values are followed in the order the code shows them.
            for (var i = next.Length - 1; i >= 0; i--)
                pending.Push(next[i]);
        }
    }

    /// <summary>
    /// True where the optimizer <paramref name="construction"/> builds is stepped by a training loop that does not clip:
    /// through the local, field or property it is kept in, the parameters it is passed to, and the callers of the
    /// factory that returns it, in any method of the compilation.
    /// </summary>
    public static bool ReachesUnclippedStep(IOperation construction, Session session)
    {
        var pending = new Stack<IOperation>();
        var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        pending.Push(construction);
        for (var visits = 0; pending.Count > 0 && visits < MaxVisits; visits++)
        {
            var value = pending.Pop();
            var (destination, holder) = Destination(value, session);
            if (holder is not null)
            {
                if (!visited.Add(holder))
                    continue;
                foreach (var read in ReadsOf(holder, value, session))
                {
                    if (IsUnclippedStepOf(read, session))
                        return true;
                    pending.Push(read);
                }
            }
            else if (destination is IReturnOperation
                && value.SemanticModel?.GetEnclosingSymbol(value.Syntax.SpanStart) is IMethodSymbol factory
                && IsFactory(factory, session) && visited.Add(factory.OriginalDefinition))
            {
                foreach (var call in CallsOf(factory, session))
                    pending.Push(call);
            }
        }
        return false;
    }

    /// <summary>
    /// The member whose code holds <paramref name="operation"/>, lambdas and local functions included in the member
    /// around them.
    /// </summary>
    public static ISymbol? EnclosingMember(IOperation operation)
    {
        var symbol = operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart);
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            symbol = symbol.ContainingSymbol;
        return symbol;
    }

    // Where the value of an expression goes: the symbol that keeps it (a local, field or property it initializes or is
    // assigned to, the parameter it is passed for), or the operation that takes it (a return).
    private static (IOperation? Destination, ISymbol? Holder) Destination(IOperation value, Session session)
    {
        var child = value;
        var parent = value.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }
        var holder = parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            IFieldInitializerOperation { InitializedFields.Length: 1 } field => field.InitializedFields[0],
            IPropertyInitializerOperation { InitializedProperties.Length: 1 } property => property.InitializedProperties[0],
            ISimpleAssignmentOperation assignment when assignment.Value == child => assignment.Target switch
            {
                ILocalReferenceOperation local => local.Local,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            },
            IArgumentOperation { Parameter: { IsParams: false } parameter } argument when Called(argument.Parent) is { } method && IsFollowed(method, session) =>
                parameter,
            _ => (ISymbol?)null,
        };
        return (parent, holder?.OriginalDefinition);
    }

    private static IMethodSymbol? Called(IOperation? call) => call switch
    {
        IInvocationOperation invocation => invocation.TargetMethod,
        IObjectCreationOperation creation => creation.Constructor,
        _ => null,
    };

    // The reads of a local, field, property or parameter in the code that can see it: a local's member, a parameter's
    // method, a field's or property's type (each of its declarations).
    private static IEnumerable<IOperation> ReadsOf(ISymbol holder, IOperation written, Session session)
    {
        var scopes = holder switch
        {
            ILocalSymbol => new[] { LocalScope(written.Syntax) },
            IParameterSymbol { ContainingSymbol: IMethodSymbol method } => method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).ToArray(),
            IFieldSymbol or IPropertySymbol => holder.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).ToArray(),
            _ => System.Array.Empty<SyntaxNode>(),
        };
        foreach (var scope in scopes)
        {
            var model = written.SemanticModel?.SyntaxTree == scope.SyntaxTree ? written.SemanticModel : session.ModelOf(scope.SyntaxTree);
            foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != holder.Name)
                    continue;
                var expression = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : (ExpressionSyntax)identifier;
                // The read's operation says which variable it reads: nothing is bound a second time to ask its symbol.
                if (MayCarry(expression) && model.GetOperation(expression) is { } read
                    && SymbolEqualityComparer.Default.Equals(Read(read)?.OriginalDefinition, holder))
                    yield return read;
            }
        }
    }

    // The variable a reference reads.
    private static ISymbol? Read(IOperation reference) => reference switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };

    // True where a read, by its syntax, may be a step or hand the optimizer on: called step(), passed as an argument,
    // assigned, initializing a variable, returned (through parentheses and casts). A read that is not, such as the
    // receiver of zero_grad(), ends the walk in any case, and is not bound: binding it would bind its whole member.
    private static bool MayCarry(ExpressionSyntax read)
    {
        SyntaxNode value = read;
        while (value.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax
            or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression }
            || value.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression } cast && cast.Left == value)
            value = value.Parent;
        return value.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression == value && access.Name.Identifier.ValueText == "step",
            AssignmentExpressionSyntax assignment => assignment.Right == value,
            ArgumentSyntax or EqualsValueClauseSyntax or ReturnStatementSyntax or ArrowExpressionClauseSyntax => true,
            _ => false,
        };
    }

    private static SyntaxNode LocalScope(SyntaxNode syntax) =>
        syntax.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is not GlobalStatementSyntax) ?? syntax.SyntaxTree.GetRoot();

    private static bool IsUnclippedStepOf(IOperation read, Session session) =>
        ValueFlow.ParentValue(read) is IInvocationOperation { TargetMethod.Name: "step" } step
        && step.Instance is { } instance
        && ValueFlow.SkipConversions(instance) == read
        && TrainingLoop.TryFind(step, session, out var loop)
        && loop.IsUnclipped;

    private static bool IsUnchanged(IParameterReferenceOperation parameter, Session session) =>
        parameter.SemanticModel is { } model && !ValueFlow.IsReassigned(parameter.Parameter, model, session);

    // A method of the compilation's own code, called directly (not through an override or an interface, whose call
    // sites name another method).
    internal static bool IsFollowed(IMethodSymbol method, Session session) =>
        method.MethodKind is MethodKind.Ordinary or MethodKind.Constructor or MethodKind.LocalFunction
        && !method.IsAbstract && !method.IsVirtual && !method.IsOverride && !method.IsExtern
        && !method.DeclaringSyntaxReferences.IsEmpty
        && !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, session.Assembly);

    private static bool IsFactory(IMethodSymbol method, Session session) =>
        IsFollowed(method, session) && method.MethodKind != MethodKind.Constructor && session.IsOptimizer(method.ReturnType);

    /// <summary>The values passed for <paramref name="parameter"/> at the call sites of its method in the compilation.</summary>
    internal static ImmutableArray<IOperation> ArgumentsFor(IParameterSymbol parameter, Session session) =>
        parameter.ContainingSymbol is IMethodSymbol method && IsFollowed(method, session) && !parameter.IsParams
            ? session.ArgumentsAtCallSites.GetOrAdd(parameter.OriginalDefinition, p => Passed(method, p, session, withDefaults: false))
            : ImmutableArray<IOperation>.Empty;

    /// <summary>
    /// The values passed for <paramref name="parameter"/> of a module's <c>forward</c> (an override in the compilation's
    /// own code) by the calls of the compilation that run it: <c>m.call(...)</c> or <c>m.forward(...)</c> on a receiver
    /// whose type's forward is this one, with as many arguments as it has parameters. Empty where a type of the
    /// compilation overrides this forward again (a receiver of this type might run that one instead).
    /// </summary>
    internal static ImmutableArray<IOperation> ForwardArgumentsFor(IParameterSymbol parameter, Session session) =>
        parameter.ContainingSymbol is IMethodSymbol { Name: "forward", IsOverride: true, IsAbstract: false } forward
            && forward.ContainingType is { } module && session.IsModule(module) && !forward.DeclaringSyntaxReferences.IsEmpty
            && !SymbolEqualityComparer.Default.Equals(forward.ContainingAssembly, session.Assembly) && !parameter.IsParams
            // Keyed by a forward's parameter, which ArgumentsFor never keeps (it follows no override).
            ? session.ArgumentsAtCallSites.GetOrAdd(parameter.OriginalDefinition, p => ArgumentsAt(CallsOfForward(forward.OriginalDefinition, session), p.Ordinal, withDefaults: false))
            : ImmutableArray<IOperation>.Empty;

    // The calls in the compilation that run a module's forward, bound once per forward (keyed by the forward, which
    // CallsOf never keeps: it follows no override).
    private static ImmutableArray<IOperation> CallsOfForward(IMethodSymbol forward, Session session) =>
        session.CallsOfMethod.GetOrAdd(forward, f =>
        {
            if (IsOverriddenAgain(f, session))
                return ImmutableArray<IOperation>.Empty;
            var calls = ImmutableArray.CreateBuilder<IOperation>();
            foreach (var name in new[] { "call", "forward" })
            {
                foreach (var syntax in session.CallsNamed(name))
                {
                    if (session.ModelOf(syntax.SyntaxTree).GetOperation(syntax) is IInvocationOperation { Instance: { } receiver } call
                        && call.Arguments.Length == f.Parameters.Length && Runs(call, receiver, f, session))
                        calls.Add(call);
                }
            }
            return calls.ToImmutable();
        });

    // Whether a call of call(...) (TorchSharp's, which runs forward) or forward(...) on the receiver runs this forward:
    // the receiver's type is the forward's type or one below it that does not override forward itself.
    private static bool Runs(IInvocationOperation call, IOperation receiver, IMethodSymbol forward, Session session)
    {
        var target = call.TargetMethod;
        if (target.Name == "call" ? !SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, session.Assembly)
            : !SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, forward))
            return false;
        for (var type = ValueFlow.SkipConversions(receiver).Type as INamedTypeSymbol; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, forward.ContainingType))
                return true;
            if (type.GetMembers("forward").Any(m => m is IMethodSymbol { IsOverride: true }))
                return false;
        }
        return false;
    }

    // Whether a method of the compilation overrides this forward (directly or further down).
    private static bool IsOverriddenAgain(IMethodSymbol forward, Session session) =>
        session.Compilation.GetSymbolsWithName("forward", SymbolFilter.Member).OfType<IMethodSymbol>().Any(m =>
        {
            for (var overridden = m.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, forward))
                    return true;
            }
            return false;
        });

    /// <summary>
    /// The values <paramref name="parameter"/> takes at the call sites of its method: the arguments passed, and its
    /// default value where a call leaves it out (<see cref="ArgumentsFor"/> has only the arguments written).
    /// </summary>
    internal static ImmutableArray<IOperation> ValuesFor(IParameterSymbol parameter, Session session) =>
        !parameter.HasExplicitDefaultValue ? ArgumentsFor(parameter, session)
        : parameter.ContainingSymbol is IMethodSymbol method && IsFollowed(method, session)
            ? Passed(method, parameter.OriginalDefinition, session, withDefaults: true)
            : ImmutableArray<IOperation>.Empty;

    private static ImmutableArray<IOperation> Passed(IMethodSymbol method, IParameterSymbol parameter, Session session, bool withDefaults) =>
        ArgumentsAt(CallsOf(method, session), parameter.Ordinal, withDefaults);

    // What the calls pass for the parameter at ordinal: the arguments written, and the defaults where asked for.
    private static ImmutableArray<IOperation> ArgumentsAt(ImmutableArray<IOperation> calls, int ordinal, bool withDefaults) =>
        calls.SelectMany(call => call switch
            {
                IInvocationOperation invocation => invocation.Arguments,
                IObjectCreationOperation creation => creation.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            })
            .Where(a => a.Parameter?.Ordinal == ordinal
                && (a.ArgumentKind == ArgumentKind.Explicit || withDefaults && a.ArgumentKind == ArgumentKind.DefaultValue))
            .Select(a => a.Value)
            .ToImmutableArray();

    /// <summary>The calls of <paramref name="method"/> in the compilation, bound.</summary>
    private static ImmutableArray<IOperation> CallsOf(IMethodSymbol method, Session session) =>
        session.CallsOfMethod.GetOrAdd(method.OriginalDefinition, m =>
        {
            var name = m.MethodKind == MethodKind.Constructor ? m.ContainingType.Name : m.Name;
            var calls = ImmutableArray.CreateBuilder<IOperation>();
            foreach (var syntax in CallsNamed(m, name, session))
            {
                var operation = session.ModelOf(syntax.SyntaxTree).GetOperation(syntax);
                if (operation is not null && SymbolEqualityComparer.Default.Equals(Called(operation)?.OriginalDefinition, m))
                    calls.Add(operation);
            }
            return calls.ToImmutable();
        });

    /// <summary>
    /// The calls named as the method is, where the method can be called: a local function in its member, a private
    /// method in its type's declarations, any other in the whole compilation. Each one found is bound to see whether it
    /// calls this method, and binding a call binds the member around it, so the scope is kept to what accessibility
    /// allows: a private Fit is not looked for in every other class that has a Fit of its own. Only calls with
    /// arguments, unless <paramref name="withoutArguments"/>.
    /// </summary>
    internal static IEnumerable<SyntaxNode> CallsNamed(IMethodSymbol method, string name, Session session, bool withoutArguments = false)
    {
        var scopes = method.MethodKind == MethodKind.LocalFunction
            ? method.DeclaringSyntaxReferences.Select(r => LocalScope(r.GetSyntax()))
            : method.DeclaredAccessibility == Accessibility.Private && method.ContainingType is { } type
                ? type.DeclaringSyntaxReferences.Select(r => r.GetSyntax())
                : null;
        if (scopes is null)
            return session.CallsNamed(name, withoutArguments);
        var calls = new List<SyntaxNode>();
        foreach (var scope in scopes)
        {
            if (session.CallsNamedUnder(scope, name, calls, withoutArguments) is null)
                return Enumerable.Empty<SyntaxNode>();
        }
        return calls;
    }

    /// <summary>The expressions <paramref name="method"/> returns (its expression body, its return statements).</summary>
    internal static ImmutableArray<IOperation> ReturnedValues(IMethodSymbol method, Session session) =>
        session.ReturnedValues.GetOrAdd(method, m =>
        {
            var values = ImmutableArray.CreateBuilder<IOperation>();
            foreach (var reference in m.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax();
                var (body, arrow) = declaration switch
                {
                    BaseMethodDeclarationSyntax method => ((SyntaxNode?)method.Body, method.ExpressionBody),
                    LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody),
                    _ => (null, null),
                };
                var model = session.ModelOf(declaration.SyntaxTree);
                var returned = arrow is not null
                    ? new[] { arrow.Expression }
                    // Returns are statements: the walk enters statements and clauses, never an expression (nor a
                    // lambda or local function, whose returns are their own).
                    : body?.DescendantNodes(n => n is StatementSyntax and not LocalFunctionStatementSyntax
                            or ElseClauseSyntax or SwitchSectionSyntax or CatchClauseSyntax or FinallyClauseSyntax)
                        .OfType<ReturnStatementSyntax>()
                        .Select(r => r.Expression)
                        .OfType<ExpressionSyntax>() ?? Enumerable.Empty<ExpressionSyntax>();
                foreach (var expression in returned)
                {
                    if (model.GetOperation(expression) is { } value)
                        values.Add(value);
                }
            }
            return values.ToImmutable();
        });
}

/// <summary>
/// An optimizer's construction, by a <c>torch.optim</c> factory (<c>torch.optim.Adam(p, lr: 0.01)</c>) or a
/// constructor of TorchSharp's (<c>new AdamW(p, lr: 0.01)</c>), with the learning rate written in it: the constant
/// passed for <c>lr</c> (<c>learningRate</c> in <c>torch.optim.SGD</c>), at the value the user wrote (<c>0.01f</c> is
/// 0.01), and its text as written.
/// </summary>
internal sealed class OptimizerRate
{
    private OptimizerRate(string optimizer, IArgumentOperation argument, double value)
    {
        Optimizer = optimizer;
        Argument = argument;
        Value = value;
    }

    /// <summary>The optimizer's name as TorchSharp spells it (Adam, SGD, RMSProp, ...).</summary>
    public string Optimizer { get; }

    /// <summary>The learning-rate argument.</summary>
    public IArgumentOperation Argument { get; }

    /// <summary>The learning rate, a float at its shortest round-trip decimal.</summary>
    public double Value { get; }

    /// <summary>The learning rate as written (<c>0.01f</c>, <c>1e-2</c>, <c>Rate</c>).</summary>
    public string Text => Argument.Value.Syntax.ToString();

    /// <summary>The construction's learning rate, or null where <paramref name="construction"/> builds no TorchSharp optimizer or its rate is not a constant.</summary>
    public static OptimizerRate? Read(IOperation construction, Session session)
    {
        var (name, arguments) = construction switch
        {
            IInvocationOperation call when Session.Is(call.TargetMethod.ContainingType, session.Optim) && session.IsOptimizer(call.TargetMethod.ReturnType) =>
                (call.TargetMethod.Name, call.Arguments),
            IObjectCreationOperation { Constructor: { } constructor, Type: { } type } creation
                when SymbolEqualityComparer.Default.Equals(constructor.ContainingAssembly, session.Assembly) && session.IsOptimizer(type) =>
                (type.Name, creation.Arguments),
            _ => (null, ImmutableArray<IArgumentOperation>.Empty),
        };
        if (name is null)
            return null;
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Name is "lr" or "learningRate" && argument.ArgumentKind != ArgumentKind.DefaultValue
                && TorchCall.Number(argument.Value) is { } rate)
                return new OptimizerRate(name, argument, rate);
        }
        return null;
    }
}
