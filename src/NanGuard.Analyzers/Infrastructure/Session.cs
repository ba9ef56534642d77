using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NanGuard.Analyzers.Infrastructure;

/// <summary>
/// One analysis of one compilation: created at compilation start (and by a code fix for the document it fixes), it
/// holds the compilation's options, the TorchSharp types NanGuard matches against, resolved once by metadata name in
/// TorchSharp's assembly, and what has been worked out about the compilation's code, each thing once. A rule looks a
/// TorchSharp type up here and never by text. Everything but <c>torch</c> and <c>Tensor</c> may be absent (older or
/// trimmed TorchSharp builds): a rule that needs an absent symbol stays silent. Rules run concurrently, so what is
/// remembered here is kept in concurrent maps; it lives exactly as long as the analysis.
/// </summary>
internal sealed class Session
{
    private const string AssemblyName = "TorchSharp";
    private const string RuntimeAssemblyName = "NanGuard.Runtime";

    // Call sites of one method are read from at most this many calls of its name in the compilation: a name called
    // more often than that (a common helper's) says too little about one optimizer to be worth the binding.
    private const int MaxCallsOfName = 64;

    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new();
    private readonly ConcurrentDictionary<string, ImmutableArray<SyntaxNode>> _callsByName = new(System.StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableArray<SyntaxNode>> _allCallsByName = new(System.StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SyntaxTree, string> _texts = new();
    private System.Lazy<bool>? _registersForwardHooks;

    private Session(Compilation compilation, AnalyzerOptions options, IAssemblySymbol assembly, INamedTypeSymbol torch, INamedTypeSymbol tensor, IAssemblySymbol? runtime)
    {
        Compilation = compilation;
        Options = options;
        Assembly = assembly;
        Torch = torch;
        Tensor = tensor;
        Nn = assembly.GetTypeByMetadataName("TorchSharp.torch+nn");
        Functional = assembly.GetTypeByMetadataName("TorchSharp.torch+nn+functional");
        NnUtils = assembly.GetTypeByMetadataName("TorchSharp.torch+nn+utils");
        Special = assembly.GetTypeByMetadataName("TorchSharp.torch+special");
        Linalg = assembly.GetTypeByMetadataName("TorchSharp.torch+linalg");
        Optim = assembly.GetTypeByMetadataName("TorchSharp.torch+optim");
        Optimizer = assembly.GetTypeByMetadataName("TorchSharp.torch+optim+Optimizer");
        Module = assembly.GetTypeByMetadataName("TorchSharp.torch+nn+Module");
        Reduction = assembly.GetTypeByMetadataName("TorchSharp.torch+nn+Reduction");
        Lstm = assembly.GetTypeByMetadataName("TorchSharp.Modules.LSTM");
        Gru = assembly.GetTypeByMetadataName("TorchSharp.Modules.GRU");
        Rnn = assembly.GetTypeByMetadataName("TorchSharp.Modules.RNN");
        ScalarType = assembly.GetTypeByMetadataName("TorchSharp.torch+ScalarType");
        NanDetector = runtime?.GetTypeByMetadataName("NanGuard.Runtime.NanDetector");
        LossScaler = runtime?.GetTypeByMetadataName("NanGuard.Runtime.LossScaler");
        StableOps = runtime?.GetTypeByMetadataName("NanGuard.Runtime.StableOps");
        Facts = new Numerics.FactsEngine(this);
    }

    /// <summary>The value-facts engine: what a tensor value can be, the one way a rule learns it.</summary>
    public Numerics.FactsEngine Facts { get; }

    /// <summary>The compilation under analysis.</summary>
    public Compilation Compilation { get; }

    /// <summary>The options the analysis runs with (.editorconfig, see <see cref="NanGuardOptions"/>).</summary>
    public AnalyzerOptions Options { get; }

    /// <summary>The names written in each member with no body operation (a property, a field initializer), found by
    /// one walk of its syntax; a method's writes are in <see cref="WritesByMember"/>.</summary>
    public ConcurrentDictionary<SyntaxNode, ILookup<string, IdentifierNameSyntax>> WriteNamesByMember { get; } = new();

    /// <summary>The writes of the locals and parameters of each member, read off its operations once per member.</summary>
    public ConcurrentDictionary<SyntaxNode, object> WritesByMember { get; } = new();

    /// <summary>The places each local or parameter is written after its declaration, bound once per variable.</summary>
    public ConcurrentDictionary<ISymbol, ImmutableArray<IdentifierNameSyntax>> WritesOfVariable { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The writes of each local and parameter that <c>LocalWrites</c> reads reaching writes from, in source order, found once per variable.</summary>
    public ConcurrentDictionary<ISymbol, object> VariableWriteLists { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>What each loop body does to gradients (see <c>TrainingLoop</c>), found once per loop.</summary>
    public ConcurrentDictionary<ILoopOperation, object> LoopScans { get; } = new();

    /// <summary>What a user method's own body does to gradients (see <c>TrainingLoop</c>: backward(), clipping,
    /// zero_grad(), the methods it calls), found once per method.</summary>
    public ConcurrentDictionary<IMethodSymbol, object> GradientFacts { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The loops that call a user method that steps an optimizer outside a loop of its own, directly or
    /// through a few calls (see <c>TrainingLoop</c>), found once per method.</summary>
    public ConcurrentDictionary<IMethodSymbol, object> CallingLoops { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The values passed for a parameter of a user method at its call sites in the compilation (see
    /// <c>OptimizerOrigin</c>), found once per parameter.</summary>
    public ConcurrentDictionary<IParameterSymbol, ImmutableArray<IOperation>> ArgumentsAtCallSites { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>What the calls in the compilation passing a tensor parameter make of a value computed from it (see
    /// <c>Passed.Tensor</c>), worked out once per value for every rule that asks.</summary>
    public ConcurrentDictionary<IOperation, ImmutableArray<(Numerics.Facts Facts, Numerics.Evidence Evidence)>> PassedFacts { get; } = new();

    /// <summary>The calls of a user method in the compilation, bound, found once per method.</summary>
    public ConcurrentDictionary<IMethodSymbol, ImmutableArray<IOperation>> CallsOfMethod { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The expressions a user method returns, found once per method.</summary>
    public ConcurrentDictionary<IMethodSymbol, ImmutableArray<IOperation>> ReturnedValues { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The one tensor parameter whose dtype a user method's result has (the value engine's CallSites), or null;
    /// found once per method.</summary>
    public ConcurrentDictionary<IMethodSymbol, IParameterSymbol?> DtypeSources { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The modules given forward hooks in each scope (a member body, a type), found by one walk of its syntax.</summary>
    public ConcurrentDictionary<SyntaxNode, object> ForwardHooks { get; } = new();

    /// <summary>
    /// Whether some file of the compilation gives a module forward hooks, worked out by <paramref name="find"/> once
    /// per session, when a rule first asks (NG3003, at its first submodule forward call).
    /// </summary>
    public bool RegistersForwardHooks(System.Func<Session, bool> find)
    {
        System.Threading.LazyInitializer.EnsureInitialized(ref _registersForwardHooks, () => new System.Lazy<bool>(() => find(this)));
        return _registersForwardHooks!.Value;
    }

    /// <summary>Where each member body makes a tensor or module float16, found by one walk of its syntax.</summary>
    public ConcurrentDictionary<SyntaxNode, object> HalfPrecision { get; } = new();

    /// <summary>Whether each loop body scales its loss (see NG2006), found once per loop.</summary>
    public ConcurrentDictionary<ILoopOperation, bool> LossScaling { get; } = new();

    /// <summary>The TorchSharp assembly the compilation references.</summary>
    public IAssemblySymbol Assembly { get; }

    /// <summary><c>TorchSharp.torch</c>.</summary>
    public INamedTypeSymbol Torch { get; }

    /// <summary><c>TorchSharp.torch.Tensor</c>.</summary>
    public INamedTypeSymbol Tensor { get; }

    public INamedTypeSymbol? Nn { get; }
    public INamedTypeSymbol? Functional { get; }
    public INamedTypeSymbol? NnUtils { get; }
    public INamedTypeSymbol? Special { get; }
    public INamedTypeSymbol? Linalg { get; }
    public INamedTypeSymbol? Optim { get; }
    public INamedTypeSymbol? Optimizer { get; }
    public INamedTypeSymbol? Module { get; }
    public INamedTypeSymbol? Reduction { get; }
    public INamedTypeSymbol? Lstm { get; }
    public INamedTypeSymbol? Gru { get; }
    public INamedTypeSymbol? Rnn { get; }
    public INamedTypeSymbol? ScalarType { get; }

    /// <summary>NanGuard.Runtime's <c>NanDetector</c>, where the compilation references the runtime.</summary>
    public INamedTypeSymbol? NanDetector { get; }

    /// <summary>NanGuard.Runtime's <c>LossScaler</c>, where the compilation references the runtime.</summary>
    public INamedTypeSymbol? LossScaler { get; }

    /// <summary>NanGuard.Runtime's <c>StableOps</c>, where the compilation references the runtime (a fix may call it).</summary>
    public INamedTypeSymbol? StableOps { get; }

    /// <summary>The session of an analysis of <paramref name="compilation"/>, or null when it does not reference TorchSharp.</summary>
    public static Session? TryCreate(Compilation compilation, AnalyzerOptions options)
    {
        // Types are looked up in TorchSharp's own assembly: the compilation's lookup would search every reference
        // (a hundred and more framework assemblies) for each name. A user's own class in a namespace called TorchSharp
        // is therefore never taken for TorchSharp's.
        var assembly = FindReference(compilation, AssemblyName);
        if (assembly?.GetTypeByMetadataName("TorchSharp.torch") is not { } torch
            || assembly.GetTypeByMetadataName("TorchSharp.torch+Tensor") is not { } tensor)
            return null;
        return new Session(compilation, options, assembly, torch, tensor, FindReference(compilation, RuntimeAssemblyName));
    }

    /// <summary>
    /// The semantic model of <paramref name="tree"/>, one per tree and session: what a rule reads of another file (the
    /// call sites of a method, the body of a method it calls) is bound once.
    /// </summary>
    public SemanticModel ModelOf(SyntaxTree tree) =>
        // RS1030 asks an analyzer to use the model its action was given: this one is for the other trees a training
        // loop spans (the file that builds the optimizer, the file that steps it), which no action of this block has.
#pragma warning disable RS1030
        _models.GetOrAdd(tree, t => Compilation.GetSemanticModel(t));
#pragma warning restore RS1030

    /// <summary>The source text of <paramref name="tree"/>, as one string per tree and session, for searches by name.</summary>
    public string TextOf(SyntaxTree tree) => _texts.GetOrAdd(tree, static t => t.GetText().ToString());

    /// <summary>
    /// The invocations and object creations in the compilation that call a method named <paramref name="name"/>, as
    /// syntax (to bind with <see cref="ModelOf"/>), found once per name and session and only when a rule asks, by searching
    /// each file's text for the name (see <see cref="CallsNamedUnder"/>). Empty where the name is called more than
    /// <see cref="MaxCallsOfName"/> times. Only calls with arguments (what the optimizer's walk reads), unless
    /// <paramref name="withoutArguments"/>.
    /// </summary>
    public ImmutableArray<SyntaxNode> CallsNamed(string name, bool withoutArguments = false) => withoutArguments
        ? _allCallsByName.GetOrAdd(name, n => FindCallsNamed(n, withoutArguments: true))
        : _callsByName.GetOrAdd(name, n => FindCallsNamed(n, withoutArguments: false));

    /// <summary>
    /// The invocations and object creations under <paramref name="scope"/> that call a method named
    /// <paramref name="name"/> with arguments (any invocation where <paramref name="withoutArguments"/>), as syntax,
    /// added to <paramref name="calls"/> in the order a walk of the tree meets them; null where there are more than
    /// <see cref="MaxCallsOfName"/>. Found where the name occurs in the file's text, not by walking the tree: a walk
    /// visits every node of every file searched, a text search only the few places that spell the name.
    /// </summary>
    public List<SyntaxNode>? CallsNamedUnder(SyntaxNode scope, string name, List<SyntaxNode>? calls = null, bool withoutArguments = false)
    {
        calls ??= new List<SyntaxNode>();
        var first = calls.Count;
        var text = TextOf(scope.SyntaxTree);
        var end = scope.Span.End;
        for (var at = text.IndexOf(name, scope.SpanStart, scope.Span.Length, System.StringComparison.Ordinal);
             at >= 0 && at + name.Length <= end;
             at = text.IndexOf(name, at + name.Length, end - at - name.Length, System.StringComparison.Ordinal))
        {
            if (CallNamedAt(scope, at, name) is not { } call
                || !withoutArguments && call is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 })
                continue;
            if (calls.Count == MaxCallsOfName)
                return null;
            calls.Add(call);
        }
        // A call comes before the calls inside it (a.F(x).F(y) is the outer F first), as in a walk of the tree.
        calls.Sort(first, calls.Count - first, TreeOrder);
        return calls;
    }

    private static readonly IComparer<SyntaxNode> TreeOrder = Comparer<SyntaxNode>.Create(static (a, b) =>
        a.SpanStart != b.SpanStart ? a.SpanStart.CompareTo(b.SpanStart) : b.Span.Length.CompareTo(a.Span.Length));

    // The invocation, or object creation with arguments, whose called name is the identifier at position; null where
    // the text there is not such a name (a longer identifier, a comment, a string, a name used another way).
    private static SyntaxNode? CallNamedAt(SyntaxNode scope, int position, string name)
    {
        var token = scope.FindToken(position);
        if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != name
            || token.SpanStart != position && !(token.SpanStart == position - 1 && token.Text[0] == '@')
            || token.Parent is not SimpleNameSyntax simple)
            return null;
        var called = simple.Parent switch
        {
            MemberAccessExpressionSyntax access when access.Name == simple => access,
            MemberBindingExpressionSyntax binding when binding.Name == simple => binding,
            QualifiedNameSyntax qualified when qualified.Right == simple => qualified,
            AliasQualifiedNameSyntax alias when alias.Name == simple => alias,
            _ => (SyntaxNode)simple,
        };
        return called.Parent switch
        {
            InvocationExpressionSyntax invocation when invocation.Expression == called => invocation,
            ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } creation when creation.Type == called => creation,
            _ => null,
        };
    }

    private ImmutableArray<SyntaxNode> FindCallsNamed(string name, bool withoutArguments)
    {
        var calls = new List<SyntaxNode>();
        foreach (var tree in Compilation.SyntaxTrees)
        {
            if (CallsNamedUnder(tree.GetRoot(), name, calls, withoutArguments) is null)
                return ImmutableArray<SyntaxNode>.Empty;
        }
        return calls.ToImmutableArray();
    }

    /// <summary>
    /// True for a tensor op named <paramref name="name"/>: a static function of <c>torch</c>,
    /// <c>torch.nn.functional</c>, <c>torch.special</c> or <c>torch.linalg</c>, or a <c>Tensor</c> method.
    /// TorchSharp gives an op the same name in each of those places, so the name and the declaring type say which op it is.
    /// </summary>
    public bool IsOp(IMethodSymbol method, string name) =>
        method.Name == name && IsOpContainer(method.ContainingType);

    /// <summary>True for an operator TorchSharp declares (tensor arithmetic and comparisons).</summary>
    public bool IsOperator(IMethodSymbol? method) =>
        method is not null && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, Assembly);

    /// <summary>True for a method of <c>torch.nn.utils</c> named <paramref name="name"/>.</summary>
    public bool IsUtil(IMethodSymbol method, string name) =>
        method.Name == name && Is(method.ContainingType, NnUtils);

    /// <summary>True where <paramref name="type"/> is, or derives from, <c>torch.optim.Optimizer</c>.</summary>
    public bool IsOptimizer(ITypeSymbol? type) => DerivesFrom(type, Optimizer);

    /// <summary>True where <paramref name="type"/> is, or derives from, <c>torch.nn.Module</c>.</summary>
    public bool IsModule(ITypeSymbol? type) => DerivesFrom(type, Module);

    /// <summary>True where <paramref name="type"/> is a tensor (a <c>Tensor</c> or a type deriving from it, such as Parameter).</summary>
    public bool IsTensor(ITypeSymbol? type) => DerivesFrom(type, Tensor);

    /// <summary>True for TorchSharp's recurrent modules (LSTM, GRU, RNN), whose gradients are the classic explosion.</summary>
    public bool IsRecurrentModule(ITypeSymbol? type) =>
        DerivesFrom(type, Lstm) || DerivesFrom(type, Gru) || DerivesFrom(type, Rnn);

    /// <summary>True where the TorchSharp being compiled against declares a method <paramref name="name"/> on
    /// <paramref name="type"/> (older releases lack some: F.logsigmoid came in 0.100).</summary>
    public bool Declares(INamedTypeSymbol? type, string name) =>
        type is not null && type.GetMembers(name).Any(m => m is IMethodSymbol);

    /// <summary>True where <paramref name="type"/> is <paramref name="expected"/>.</summary>
    public static bool Is(ITypeSymbol? type, ITypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, expected);

    private bool IsOpContainer(INamedTypeSymbol? type) =>
        type is not null
        && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, Assembly)
        && (Is(type, Tensor) || Is(type, Torch) || Is(type, Functional) || Is(type, Special) || Is(type, Linalg));

    private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        // Numbers, strings, tuples and other structs are asked about most often and are never a TorchSharp class.
        if (baseType is null || type is null || type.IsValueType || type.SpecialType != SpecialType.None)
            return false;
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
                return true;
        }
        return false;
    }

    private static IAssemblySymbol? FindReference(Compilation compilation, string name)
    {
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            if (assembly.Identity.Name == name)
                return assembly;
        }
        return null;
    }
}
