using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanGuard.CodeFixes;

/// <summary>
/// NanGuard.Runtime's entry points, for the fixes that call them. They are offered only where the project references
/// the runtime (its type and method resolve in the compilation), so a fix never writes a call that does not bind.
/// </summary>
internal static class RuntimeApi
{
    /// <summary>The suffix of every equivalence key of a fix that calls a stable op.</summary>
    public const string StableOpKey = ".StableOp";

    /// <summary><c>NanGuard.Runtime.GuardedStep</c>, where the project references the runtime and it has <paramref name="method"/>.</summary>
    public static INamedTypeSymbol? GuardedStep(Compilation compilation, string method = "ClipAndStep") =>
        Find(compilation, "NanGuard.Runtime.GuardedStep", method);

    /// <summary>
    /// A code action that writes <c>StableOps.method(arguments)</c> in place of <paramref name="node"/>, or null where
    /// the project does not reference the runtime.
    /// </summary>
    public static FixAction? StableOp(FixContext context, string id, string title, SyntaxNode node, string method, params ArgumentSyntax[] arguments) =>
        Find(context.Model.Compilation, "NanGuard.Runtime.StableOps", method) is { } stableOps
            ? context.Replace(title, id + StableOpKey, node, TorchSyntax.Call(TorchSyntax.TypeName(stableOps), method, arguments))
            : null;

    private static INamedTypeSymbol? Find(Compilation compilation, string type, string method) =>
        compilation.GetTypeByMetadataName(type) is { } symbol && !symbol.GetMembers(method).IsEmpty ? symbol : null;
}
