using System.Collections.Concurrent;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.Analyzers.Numerics;

/// <summary>The members and locals a question has crossed: recursion is cut, chains of members are bounded.</summary>
internal sealed class Walk
{
    private const int MaxDepth = 4;

    public static Walk Start { get; } = new(null, 0, null, null);

    private Walk(Chain<ISymbol>? members, int depth, Chain<IOperation>? writes, (IParameterSymbol Parameter, Facts Entry)? assumed)
    {
        _members = members;
        _depth = depth;
        _writes = writes;
        Assumed = assumed;
    }

    /// <summary>
    /// A walk in which the parameter <paramref name="parameter"/> enters its method holding <paramref name="entry"/>
    /// (what one call passes): answers in it hold for that call only, and are not kept.
    /// </summary>
    public static Walk Assuming(IParameterSymbol parameter, Facts entry) => new(null, 0, null, (parameter, entry));

    /// <summary>The value a parameter is assumed to enter its method with, in this walk only (not in the members it enters).</summary>
    public (IParameterSymbol Parameter, Facts Entry)? Assumed { get; }

    // The members and the writes entered, innermost first: short chains, so a list is searched faster than a set is built.
    private readonly Chain<ISymbol>? _members;
    private readonly int _depth;
    private readonly Chain<IOperation>? _writes;

    // The cuts of this thread's walks that are still open: a member already walked or too deep, or a write already
    // being worked out further up. A cut at a write is closed once the walk into that write is done (the answer there
    // holds the whole cycle, whatever walk asked), so an answer with no cut left open under it does not depend on the
    // walk it was asked in, and can be kept for any.
    [System.ThreadStatic]
    private static int s_openCuts;

    [System.ThreadStatic]
    private static Dictionary<IOperation, int>? s_cutWrites;

    /// <summary>The number of cuts this thread's walks have left open so far.</summary>
    public static int Cuts => s_openCuts;

    /// <summary>Closes the cuts made at <paramref name="value"/>: the walk into that write is done.</summary>
    public static void Done(IOperation value)
    {
        if (s_cutWrites is { } writes && writes.TryGetValue(value, out var cuts))
        {
            writes.Remove(value);
            s_openCuts -= cuts;
        }
    }

    /// <summary>The walk inside <paramref name="member"/>, or null where it is already being walked or the chain is too long.</summary>
    public Walk? Into(ISymbol member) =>
        _depth >= MaxDepth || Chain<ISymbol>.Contains(_members, member, SymbolEqualityComparer.Default)
            ? Cut()
            : new Walk(new Chain<ISymbol>(member, _members), _depth + 1, _writes, null);

    /// <summary>The walk into the value a local is written, or null where that value is already being worked out (a
    /// loop that writes the local from itself: <c>x = x * 2</c>).</summary>
    public Walk? IntoWrite(IOperation value)
    {
        if (!Chain<IOperation>.Contains(_writes, value, EqualityComparer<IOperation>.Default))
            return new Walk(_members, _depth, new Chain<IOperation>(value, _writes), Assumed);
        var writes = s_cutWrites ??= new Dictionary<IOperation, int>();
        writes[value] = writes.TryGetValue(value, out var cuts) ? cuts + 1 : 1;
        return Cut();
    }

    private static Walk? Cut()
    {
        s_openCuts++;
        return null;
    }
}

/// <summary>An immutable list, newest first.</summary>
internal sealed class Chain<T>
{
    public Chain(T head, Chain<T>? tail)
    {
        Head = head;
        Tail = tail;
    }

    public T Head { get; }

    public Chain<T>? Tail { get; }

    public static bool Contains(Chain<T>? chain, T item, IEqualityComparer<T> comparer)
    {
        for (; chain is not null; chain = chain.Tail)
        {
            if (comparer.Equals(chain.Head, item))
                return true;
        }
        return false;
    }
}

/// <summary>
/// The value-facts engine: what a tensor value can be (<see cref="Facts"/>), worked out from the operations that make
/// it (<see cref="Ops"/>), through locals and their reassignments, and across members by summaries kept for the
/// compilation: a method's or local function's returns, a property, a field (the join of its type's assignments), a
/// module's output (a TorchSharp layer, a Sequential as constructed, a module of the user's own through its forward),
/// a private parameter (the join of the arguments at every call site). A value it knows nothing about is unknown, and
/// unknown is never a reason to report. One engine per <see cref="Session"/>; rules ask <c>session.Facts.Of(operation)</c>.
/// </summary>
internal sealed class FactsEngine
{
    private readonly Session _session;
    private readonly ConcurrentDictionary<ISymbol, Facts> _summaries = new(SymbolEqualityComparer.Default);

    // The facts of each operation asked about from the start of a walk, kept for the session: rules ask about the
    // operands of nested operations (a chain of 3,000 calls), and each answer holds the ones below it.
    private readonly ConcurrentDictionary<IOperation, Facts> _answers = new();

    // Whether a type's code may convert a module's dtype, read off its text once per type.
    private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _convertsDtype = new(SymbolEqualityComparer.Default);

    public FactsEngine(Session session) => _session = session;

    /// <summary>The session the engine answers for.</summary>
    internal Session Session => _session;

    /// <summary>What the value of <paramref name="operation"/> can be.</summary>
    public Facts Of(IOperation operation) => Of(operation, Walk.Start);

    /// <summary>
    /// What the value of <paramref name="operation"/> can be where <paramref name="parameter"/> of the method it is in
    /// enters holding <paramref name="entry"/>: for one call that passes it, through the method's writes of the
    /// parameter (members the value crosses are asked as usual, without the assumption).
    /// </summary>
    public Facts Assuming(IOperation operation, IParameterSymbol parameter, Facts entry) => Of(operation, Walk.Assuming(parameter, entry));

    internal Facts Of(IOperation operation, Walk walk)
    {
        // An answer for one call's value holds for that call only: neither looked up nor kept.
        if (walk.Assumed is not null)
            return Evaluate(operation, walk);
        if (_answers.TryGetValue(operation, out var known))
            return known;
        // Inside a walk, an answer is kept only where no cut was made under it (it is then the answer from the start
        // too); without that, every rule asking about an operation would walk its locals' writes again, each time to
        // the first write of the method.
        var cuts = Walk.Cuts;
        var facts = Evaluate(operation, walk);
        return walk == Walk.Start || Walk.Cuts == cuts ? _answers.GetOrAdd(operation, facts) : facts;
    }

    // The value a local is written, in the walk that entered it: the cuts made at it close here.
    private Facts OfWrite(IOperation value, Walk inner)
    {
        var facts = Of(value, inner);
        Walk.Done(value);
        return facts;
    }

    private Facts Evaluate(IOperation operation, Walk walk)
    {
        if (operation.ConstantValue is { HasValue: true, Value: { } constant } && IsNumber(constant))
            return Facts.OfConstant(System.Convert.ToDouble(constant, System.Globalization.CultureInfo.InvariantCulture));
        if (IsParameter(operation.Type))
            return Facts.Of(ValueKind.ModelOutput, double.NegativeInfinity, double.PositiveInfinity, "a learned parameter", operation, "parameter");
        var facts = Value(operation, walk);
        return operation is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation && _session.IsModule(operation.Type)
            && ConvertedInPlace(operation) is { } conversion
            ? facts.WithDtype(conversion.Dtype)
            : facts;
    }

    private Facts Value(IOperation operation, Walk walk)
    {
        return operation switch
        {
            IArgumentOperation argument => Of(argument.Value, walk),
            IParenthesizedOperation parenthesized => Of(parenthesized.Operand, walk),
            IConversionOperation conversion => Of(conversion.Operand, walk),
            ILocalReferenceOperation local => Local(local, walk),
            IParameterReferenceOperation parameter => Parameter(parameter, walk),
            // The values of a (values, indexes) pair a torch op returns (x.max(1).values): the op's facts.
            IFieldReferenceOperation { Field.ContainingType.IsTupleType: true, Instance: IInvocationOperation op } values
                when (values.Field.CorrespondingTupleField ?? values.Field).Name == "Item1" && _session.IsOp(op.TargetMethod, op.TargetMethod.Name) =>
                Of(op, walk),
            IFieldReferenceOperation { Field.ContainingType.IsTupleType: true, Instance: { } tuple } element =>
                Of(tuple, walk).Element(TupleIndex(element.Field)),
            IFieldReferenceOperation field => Named(field.Field.Name, field.Type, Field(field.Field, walk)),
            ITupleOperation tuple => Facts.OfTuple(tuple.Elements.Select(e => Of(e, walk)).ToImmutableArray()),
            IPropertyReferenceOperation property => Property(property, walk),
            IInvocationOperation invocation => Invocation(invocation, walk),
            IObjectCreationOperation creation => ModuleOfType(creation.Type, creation),
            IBinaryOperation binary => Arithmetic.Binary(binary, this, walk, _session),
            IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation => Arithmetic.Negate(Of(negation.Operand, walk)),
            IConditionalOperation { WhenFalse: { } whenFalse } conditional => Facts.Join(Of(conditional.WhenTrue, walk), Of(whenFalse, walk)),
            // t.shape[0]: the number of rows, which the code makes known for a boolean selection; any other size is a
            // number of at least 1 (0 only for an empty tensor, which holds no value to be NaN).
            IArrayElementReferenceOperation { ArrayReference: IPropertyReferenceOperation { Property.Name: "shape", Instance: { } tensor }, Indices.Length: 1 } size
                when _session.IsTensor(tensor.Type) =>
                (size.Indices[0].ConstantValue is { HasValue: true, Value: 0 or 0L } ? Ops.SelectionSize(tensor, v => Of(v, walk), _session) : Facts.Unknown) is { IsKnown: true } selected
                    ? selected
                    : Facts.Of(ValueKind.Bounded, 1, double.PositiveInfinity, null, size, "size"),
            _ => Facts.Unknown,
        };
    }

    // TorchSharp's Parameter (a field, a property, nn.Parameter(...), a layer's weight): learned, unbounded either way.
    private bool IsParameter(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Parameter" } named && SymbolEqualityComparer.Default.Equals(named.ContainingAssembly, _session.Assembly);

    private static bool IsNumber(object value) => value is int or long or double or float or short or byte or decimal;

    private Facts Invocation(IInvocationOperation invocation, Walk walk)
    {
        var method = invocation.TargetMethod;
        if (_session.IsOp(method, method.Name))
        {
            var call = new TorchCall(invocation);
            if (Ops.Row(method.Name) is { } row)
                return row.Transfer(new OpInput(call, this, walk));
            return Arithmetic.Method(call, this, walk, _session);
        }
        if (ModuleConversion(invocation) is { } conversion)
            return ModuleOf(conversion.Module, walk).WithDtype(conversion.Dtype);
        // A module's parameters are in the module's dtype (model.half() makes them float16).
        if (method.Name is "parameters" or "named_parameters" && invocation.Instance is { } owner && _session.IsModule(owner.Type)
            && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _session.Assembly))
            return Facts.Unknown.WithDtype(Of(owner, walk).Dtype);
        if (method.Name is "call" or "forward" && invocation.Instance is { } module && _session.IsModule(module.Type)
            && invocation.Arguments.Length > 0)
            return ModuleOutput(ModuleOf(module, walk), invocation, walk);
        if (Session.Is(method.ContainingType, _session.Nn) && _session.IsModule(method.ReturnType))
            return ModuleFactory(invocation, walk);
        if (OptimizerFlow.IsFollowed(method, _session) && (_session.IsTensor(method.ReturnType) || _session.IsModule(method.ReturnType)))
        {
            // Where the join of every return knows nothing, or no dtype, what this call's own arguments make of it.
            var returned = Returns(method, walk, "returned by ");
            return returned.Dtype is not null || !_session.IsTensor(method.ReturnType) || invocation.Arguments.IsEmpty
                ? returned
                : CallSites.Result(invocation, method, returned, this, walk, _session) ?? returned;
        }
        return Facts.Unknown;
    }

    /// <summary>
    /// A conversion of a module's parameters to a dtype: TorchSharp's <c>module.half()</c>, <c>.bfloat16()</c>,
    /// <c>.@float()</c>, <c>.@double()</c> and <c>.to(ScalarType.Float16)</c> (which convert the module in place and
    /// return it); null for anything else (a move to a device).
    /// </summary>
    internal (IOperation Module, string? Dtype)? ModuleConversion(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.Name is not ("half" or "bfloat16" or "float" or "double" or "to") || !method.IsExtensionMethod
            || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _session.Assembly)
            || invocation.Arguments.Length == 0 || invocation.Arguments[0].Value is not { } module || !_session.IsModule(module.Type))
            return null;
        string? dtype = null;
        if (method.Name == "to" && !Ops.DtypeArgument(invocation, out dtype))
            return null;
        return (ValueFlow.SkipConversions(module), method.Name switch
        {
            "half" => "float16",
            "bfloat16" => "bfloat16",
            "double" => "float64",
            "float" => null,
            _ => dtype,
        });
    }

    // The conversion of a module in place, model.half(); as a statement, that comes last before the read in a block
    // around it, in the same function; null where there is none, or where the variable can hold another module by then
    // (a local or parameter assigned again, a field that is not readonly).
    private (IOperation Module, string? Dtype)? ConvertedInPlace(IOperation read)
    {
        var variable = read switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation { Field.IsReadOnly: true } field => field.Field,
            _ => null,
        };
        if (variable is null || read.SemanticModel is not { } model)
            return null;
        foreach (var ancestor in read.Syntax.Ancestors())
        {
            if (ValueFlow.IsFunction(ancestor))
                break;
            if (ancestor is not BlockSyntax block)
                continue;
            var at = block.Statements.IndexOf(statement => statement.Span.Contains(read.Syntax.Span));
            for (var i = at - 1; i >= 0; i--)
            {
                if (block.Statements[i] is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call }
                    && access.Name.Identifier.ValueText is "half" or "bfloat16" or "float" or "double" or "to"
                    && model.GetOperation(call) is IInvocationOperation invocation && ModuleConversion(invocation) is { } conversion
                    && SymbolEqualityComparer.Default.Equals(Referenced(conversion.Module), variable))
                    return variable is not IFieldSymbol && ValueFlow.IsReassigned(variable, model, _session) ? null : conversion;
            }
        }
        return null;
    }

    private static ISymbol? Referenced(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };

    // A member's facts, computed once per compilation; a member already being walked, or one too deep, is unknown.
    private Facts Summary(ISymbol member, Walk walk, System.Func<ISymbol, string> describe, System.Func<Walk, Facts> compute)
    {
        if (_summaries.TryGetValue(member, out var known))
            return known;
        if (walk.Into(member) is not { } inner)
            return Facts.Unknown;
        var facts = compute(inner);
        if (facts.IsKnown && member.Locations.FirstOrDefault(l => l.IsInSource) is { } location)
            facts = facts.Through(new Evidence(location, describe(member)));
        return _summaries.GetOrAdd(member, facts);
    }

    private static string Name(ISymbol member) => member.ContainingType is { } type ? type.Name + "." + member.Name : member.Name;

    // A local's value where it is read: the join of the writes that can reach the read.
    private Facts Local(ILocalReferenceOperation read, Walk walk)
    {
        if (read.SemanticModel is not { } model)
            return Named(read.Local.Name, read.Type, Facts.Unknown);
        if (LocalWrites.Reaching(read, model, _session) is not { } values)
            return Named(read.Local.Name, read.Type, Deconstructed(read.Local, model, walk));
        return Named(read.Local.Name, read.Type, Facts.JoinAll(values.Select(v => Written(v, walk))));
    }

    // What one write that reaches a read gives the variable, in the walk into that write: unknown for a write the
    // engine cannot follow (null) or one already being worked out (a loop that writes the variable from itself).
    private Facts Written(IOperation? value, Walk walk) =>
        value is not null && walk.IntoWrite(value) is { } inner ? OfWrite(value, inner) : Facts.Unknown;

    // A local a deconstruction declares and nothing writes again, var (mu, logvar) = encoder.call(x): the element of
    // the value deconstructed (nested designations and (var a, var b) = ... included).
    private Facts Deconstructed(ILocalSymbol local, SemanticModel model, Walk walk)
    {
        if (local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not SingleVariableDesignationSyntax designation
            || designation.SyntaxTree != model.SyntaxTree || ValueFlow.IsReassigned(local, model, _session))
            return Facts.Unknown;
        var path = new List<int>();
        SyntaxNode node = designation;
        while (true)
        {
            switch (node.Parent)
            {
                case ParenthesizedVariableDesignationSyntax designations:
                    path.Insert(0, designations.Variables.IndexOf((VariableDesignationSyntax)node));
                    node = designations;
                    continue;
                case DeclarationExpressionSyntax declaration:
                    node = declaration;
                    continue;
                case ArgumentSyntax argument when argument.Parent is TupleExpressionSyntax tuple:
                    path.Insert(0, tuple.Arguments.IndexOf(argument));
                    node = tuple;
                    continue;
            }
            break;
        }
        if (path.Count == 0 || node.Parent is not AssignmentExpressionSyntax assignment || assignment.Left != node
            || !assignment.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SimpleAssignmentExpression)
            || model.GetOperation(assignment.Right) is not { } value || walk.IntoWrite(value) is not { } inner)
            return Facts.Unknown;
        var facts = OfWrite(value, inner);
        foreach (var index in path)
            facts = facts.Element(index);
        return facts;
    }

    // Item1 is 0, and a named element is the ItemN it stands for.
    private static int TupleIndex(IFieldSymbol field)
    {
        var name = (field.CorrespondingTupleField ?? field).Name;
        return name.StartsWith("Item", System.StringComparison.Ordinal)
            && int.TryParse(name.Substring(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n - 1
            : -1;
    }

    private Facts Parameter(IParameterReferenceOperation read, Walk walk)
    {
        var parameter = read.Parameter;
        if (read.SemanticModel is not { } model)
            return Named(parameter.Name, read.Type, Facts.Unknown);
        if (!ValueFlow.IsReassigned(parameter, model, _session))
            return Named(parameter.Name, read.Type, Entry(parameter, walk));
        // A parameter the method writes again (x = x.view(...)): the join of the writes that reach the read, and of the
        // value passed where that reaches it too.
        if (!_session.IsTensor(read.Type) || LocalWrites.Reaching(read, model, _session) is not { } reaching)
            return Named(parameter.Name, read.Type, Facts.Unknown);
        var values = reaching.Writes.Select(v => Written(v, walk));
        return Named(parameter.Name, read.Type, Facts.JoinAll(reaching.Entry ? values.Append(Entry(parameter, walk)) : values));
    }

    // The value a parameter enters its method with: the one the walk assumes, or what the callers pass.
    private Facts Entry(IParameterSymbol parameter, Walk walk) =>
        walk.Assumed is { } assumed && SymbolEqualityComparer.Default.Equals(assumed.Parameter.OriginalDefinition, parameter.OriginalDefinition)
            ? assumed.Entry
            : Passed(parameter, walk);

    // What the callers pass for a parameter of a private method or local function (the join of the arguments at every
    // call site); unknown for any other parameter.
    private Facts Passed(IParameterSymbol parameter, Walk walk) =>
        parameter.ContainingSymbol is IMethodSymbol method
            && (method.MethodKind == MethodKind.LocalFunction || method.DeclaredAccessibility == Accessibility.Private)
            ? Summary(parameter.OriginalDefinition, walk, p => "passed by every caller of " + Name(p.ContainingSymbol),
                inner => Facts.JoinAll(OptimizerFlow.ValuesFor(parameter, _session).Select(v => Of(v, inner))))
            : Facts.Unknown;

    // A heuristic the P2 rules have always had: a tensor named as a mask, of which nothing else is known, holds 0/1.
    private Facts Named(string name, ITypeSymbol? type, Facts facts) =>
        !facts.IsKnown && name.IndexOf("mask", System.StringComparison.OrdinalIgnoreCase) >= 0 && _session.IsTensor(type)
            ? Facts.Of(ValueKind.Mask, 0, 1, "a mask")
            : facts;

    private Facts Field(IFieldSymbol field, Walk walk)
    {
        if (!(_session.IsTensor(field.Type) || _session.IsModule(field.Type)) || field.DeclaringSyntaxReferences.IsEmpty)
            return _session.IsModule(field.Type) ? ModuleOfType(field.Type, null) : Facts.Unknown;
        // A field typed as one of TorchSharp's layers (Linear fc) is that layer whatever is assigned to it: its type says
        // it without binding the constructors that assign it, unless its type's code converts a module's dtype.
        if (field.Type is INamedTypeSymbol { IsAbstract: false } layer && SymbolEqualityComparer.Default.Equals(layer.ContainingAssembly, _session.Assembly)
            && BuiltInLayer(layer.Name) is not null && !_convertsDtype.GetOrAdd(field.ContainingType, ConvertsDtypeIn))
            return ModuleOfType(layer, null);
        return Summary(field.OriginalDefinition, walk, f => Name(f) + ", as assigned in its type",
            inner => Facts.JoinAll(MemberWrites.Of(field.OriginalDefinition, _session).Select(v => Of(v, inner))));
    }

    // Whether a type's code may convert a module's dtype (half(), bfloat16(), to(Float16)), from its text.
    private static bool ConvertsDtypeIn(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Any(reference =>
        {
            var text = reference.SyntaxTree.GetText().ToString(reference.Span);
            return text.IndexOf("half", System.StringComparison.Ordinal) >= 0 || text.IndexOf("float16", System.StringComparison.OrdinalIgnoreCase) >= 0
                || text.IndexOf("bfloat16", System.StringComparison.OrdinalIgnoreCase) >= 0 || text.IndexOf("double(", System.StringComparison.Ordinal) >= 0;
        });

    private Facts Property(IPropertyReferenceOperation read, Walk walk)
    {
        var property = read.Property.OriginalDefinition;
        if (property.IsIndexer)
            return read.Instance is { } indexed && _session.IsTensor(indexed.Type)
                ? RowFacts.Indexed(Ops.Selected(Of(indexed, walk), indexed, read.Arguments, _session), read)
                : Facts.Unknown;
        if (property.IsVirtual || property.IsAbstract || property.IsOverride || property.DeclaringSyntaxReferences.IsEmpty
            || !(_session.IsTensor(property.Type) || _session.IsModule(property.Type)))
            return Named(property.Name, property.Type, Facts.Unknown);
        return Named(property.Name, property.Type, Summary(property, walk, p => Name(p),
            inner => Facts.JoinAll(MemberWrites.Of(property, _session).Select(v => Of(v, inner)))));
    }

    // What a module value is: the layers it was built from, or those its type says it has.
    private Facts ModuleOf(IOperation module, Walk walk)
    {
        var facts = Of(module, walk);
        return facts.Kind == ValueKind.Module ? facts : ModuleOfType(module.Type, null);
    }

    private Facts ModuleOfType(ITypeSymbol? type, IOperation? producer)
    {
        if (type is not INamedTypeSymbol named || !_session.IsModule(named))
            return Facts.Unknown;
        if (SymbolEqualityComparer.Default.Equals(named.ContainingAssembly, _session.Assembly))
            return BuiltInLayer(named.Name) is { } layer ? Facts.OfModule(ImmutableArray.Create(layer), producer) : Facts.Unknown;
        for (var current = named; current is not null && !SymbolEqualityComparer.Default.Equals(current.ContainingAssembly, _session.Assembly); current = current.BaseType)
        {
            var forward = current.GetMembers("forward").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsAbstract && !m.DeclaringSyntaxReferences.IsEmpty);
            if (forward is not null)
                return Facts.OfModule(ImmutableArray.Create(new Layer("forward", forward)), producer);
        }
        return Facts.Unknown;
    }

    // TorchSharp's own modules, by the name their type and their factory share.
    private static Layer? BuiltInLayer(string name) => name switch
    {
        "Sigmoid" => new Layer("sigmoid"),
        "Softmax" => new Layer("softmax"),
        "LogSoftmax" or "LogSigmoid" => new Layer("log_softmax"),
        "ReLU" or "ReLU6" => new Layer("relu"),
        "Softplus" => new Layer("softplus"),
        "Tanh" => new Layer("tanh"),
        "Linear" or "Bilinear" or "Conv1d" or "Conv2d" or "Conv3d" or "ConvTranspose1d" or "ConvTranspose2d" or "ConvTranspose3d" => new Layer("linear"),
        "Dropout" or "Dropout1d" or "Dropout2d" or "Dropout3d" or "Flatten" or "Identity" or "Unflatten" => new Layer("keep"),
        _ => null,
    };

    private Facts ModuleFactory(IInvocationOperation factory, Walk walk)
    {
        if (factory.TargetMethod.Name != "Sequential")
            return BuiltInLayer(factory.TargetMethod.Name) is { } layer ? Facts.OfModule(ImmutableArray.Create(layer), factory) : Facts.Unknown;
        var layers = ImmutableArray.CreateBuilder<Layer>();
        foreach (var argument in factory.Arguments)
        {
            var elements = argument.ArgumentKind == ArgumentKind.ParamArray
                && ValueFlow.SkipConversions(argument.Value) is IArrayCreationOperation { Initializer: { } initializer }
                    ? initializer.ElementValues
                    : ImmutableArray.Create(argument.Value);
            foreach (var element in elements)
            {
                var module = ValueFlow.SkipConversions(element) is ITupleOperation { Elements.Length: 2 } named ? named.Elements[1] : element;
                var facts = ModuleOf(module, walk);
                if (facts.Kind != ValueKind.Module)
                    return Facts.Unknown;
                layers.AddRange(facts.Layers);
            }
        }
        return Facts.OfModule(layers.ToImmutable(), factory);
    }

    // What calling a module gives: its layers applied in order to its input.
    private Facts ModuleOutput(Facts module, IInvocationOperation call, Walk walk)
    {
        if (module.Kind != ValueKind.Module)
            return Facts.Unknown;
        return ConvertedOutput(module, ModuleLayers(module, call, walk));
    }

    // A module converted to a dtype (model.half()) computes in it: its built-in last layer's output is in that dtype.
    private static Facts ConvertedOutput(Facts module, Facts output) =>
        module.Dtype is { } dtype && output.IsKnown && output.Dtype is null && LastLayerName(module) != "forward"
            ? output.WithDtype(dtype)
            : output;

    private Facts ModuleLayers(Facts module, IInvocationOperation call, Walk walk)
    {
        // Every layer but one that keeps its input makes its output whatever came in: the input is read only where
        // nothing but such layers follow it.
        var from = module.Layers.Length - 1;
        while (from >= 0 && module.Layers[from].Op == "keep")
            from--;
        var output = from < 0 ? Of(call.Arguments[0], walk) : Facts.Unknown;
        for (var i = System.Math.Max(from, 0); i < module.Layers.Length; i++)
        {
            var layer = module.Layers[i];
            output = layer.Op switch
            {
                "sigmoid" or "softmax" => Facts.Of(ValueKind.Probability, 0, 1, "a " + layer.Op + " that underflows", call, layer.Op),
                "log_softmax" => Facts.Of(ValueKind.LogProbability, double.NegativeInfinity, 0, null, call, "log_softmax"),
                "relu" => Facts.Of(ValueKind.NonNegative, 0, double.PositiveInfinity, "a relu", call, "relu"),
                "softplus" => Facts.Of(ValueKind.NonNegative, 0, double.PositiveInfinity, "a softplus that underflows", call, "softplus"),
                "tanh" => Facts.Of(ValueKind.Bounded, -1, 1, null, call, "tanh"),
                "linear" => Facts.Of(ValueKind.ModelOutput, double.NegativeInfinity, double.PositiveInfinity, "an unbounded layer output", call, "linear"),
                "keep" => output.WithoutRows(),
                "forward" => Forward(layer.Forward!, walk),
                _ => Facts.Unknown,
            };
        }
        if (output.IsKnown && module.Producer is { } built && module.Layers.Length > 1)
            output = output.Through(new Evidence(built.Syntax.GetLocation(), "the output of the module built here, ending in " + LastLayerName(module)));
        return output;
    }

    private static string LastLayerName(Facts module) => module.Layers[module.Layers.Length - 1].Op;

    private Facts Forward(IMethodSymbol forward, Walk walk) => Returns(forward, walk, "the output of ");

    // What a method (a helper, a module's forward) returns: the join of its returns, summarised once per compilation.
    private Facts Returns(IMethodSymbol method, Walk walk, string how) =>
        Summary(method.OriginalDefinition, walk, m => how + Name(m),
            inner => Facts.JoinAll(OptimizerFlow.ReturnedValues(method.OriginalDefinition, _session).Select(v => Of(v, inner))));
}
