using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.DivisionByNormAnalyzer,
    NanGuard.CodeFixes.Rules.DivisionByNormCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class DivisionByNormTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Division_by_a_kept_norm_becomes_normalize() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x / x.norm(1, keepdim: true)|];
                Tensor B(Tensor x) => [|x / x.norm(-1, true)|];
                Tensor D(Tensor x) => [|x / torch.linalg.vector_norm(x, dims: new long[] { 1 }, keepdim: true)|];
                Tensor E(Tensor x) => /* keep */ [|x / x.norm(0, keepdim: true, p: 2)|] /* trivia */;
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => F.normalize(x, 2.0, 1);
                Tensor B(Tensor x) => F.normalize(x, 2.0, -1);
                Tensor D(Tensor x) => F.normalize(x, 2.0, 1);
                Tensor E(Tensor x) => /* keep */ F.normalize(x, 2.0, 0) /* trivia */;
            }
            """);

    [Fact]
    public Task Hand_written_cosine_becomes_cosine_similarity() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor a, Tensor b) => [|(a * b).sum(1) / (a.norm(1) * b.norm(1))|];
                Tensor B(Tensor a, Tensor b) => [|torch.sum(a * b, -1) / (b.norm(-1) * a.norm(-1))|];
                Tensor D(Tensor a, Tensor b) => [|(a * b).sum(1) / (linalg.vector_norm(a, 2, new long[] { 1 }) * b.norm(1))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor a, Tensor b) => F.cosine_similarity(a, b, 1);
                Tensor B(Tensor a, Tensor b) => F.cosine_similarity(a, b, -1);
                Tensor D(Tensor a, Tensor b) => F.cosine_similarity(a, b, 1);
            }
            """);

    [Fact]
    public Task Using_static_fully_qualified_and_through_locals() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                const int Dim = 1;
                Tensor A(Tensor x)
                {
                    var n = x.norm(Dim, keepdim: true);
                    return [|x / n|];
                }
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => [|x / TorchSharp.torch.linalg.vector_norm(x, 2, new long[] { 0 }, true)|];
                Tensor D(Tensor a, Tensor b)
                {
                    var dot = (a * b).sum(1);
                    var na = a.norm(1);
                    var nb = b.norm(1);
                    return [|dot / (na * nb)|];
                }
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                const int Dim = 1;
                Tensor A(Tensor x)
                {
                    return nn.functional.normalize(x, 2.0, Dim);
                }
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => nn.functional.normalize(x, 2.0, 0);
                Tensor D(Tensor a, Tensor b)
                {
                    return nn.functional.cosine_similarity(a, b, 1);
                }
            }
            """);

    [Fact]
    public async Task Reported_as_warning_inside_lambda_local_function_and_forward()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor x) => {|#0:x / x.norm(1, keepdim: true)|};
            }

            class C
            {
                Func<Tensor, Tensor, Tensor> f = (a, b) => {|#1:(a * b).sum(1) / (a.norm(1) * b.norm(1))|};
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => {|#2:y / y.norm(1, keepdim: true)|};
                    return Inner(x);
                }
            }
            """,
            new DiagnosticResult("NG1011", DiagnosticSeverity.Warning).WithLocation(0),
            new DiagnosticResult("NG1011", DiagnosticSeverity.Warning).WithLocation(1),
            new DiagnosticResult("NG1011", DiagnosticSeverity.Warning).WithLocation(2));
    }

    // x over the norm of all its elements is 0 / 0 for an all-zero x (LookSAM's normalised gradient, real bug RB062);
    // F.normalize works along one dim, so no rewrite is offered.
    [Fact]
    public Task Division_by_the_norm_of_every_element_is_reported_without_a_rewrite() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x / x.norm()|];
                Tensor B(Tensor g) => [|g / torch.norm(g)|];
                Tensor D(Tensor x) => [|x / linalg.vector_norm(x)|];
                Tensor E(Tensor x, Tensor y) => x / y.norm();
                Tensor G(Tensor x) => x / x.norm().clamp_min(1e-12);
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => x / y.norm(1, keepdim: true);
                Tensor B(Tensor x) => x / x.norm(1);
                Tensor E(Tensor x) => x / x.norm(1, keepdim: true, p: 1);
                Tensor G(Tensor x) => x / (x.norm(1, keepdim: true) + 1e-8);
                Tensor H(Tensor x) => x / x.norm(1, keepdim: true).clamp_min(1e-12);
                Tensor I(Tensor x) => x / linalg.vector_norm(x, dims: new long[] { 0, 1 }, keepdim: true);
                Tensor J(Tensor x, int d) => x / x.norm(d, keepdim: true);
                Tensor K(Tensor a, Tensor b) => (a * b).sum(1) / (a.norm(0) * b.norm(0));
                Tensor L(Tensor a, Tensor b, Tensor c) => (a * b).sum(1) / (a.norm(1) * c.norm(1));
                Tensor M(Tensor a, Tensor b) => (a * b).sum(1, keepdim: true) / (a.norm(1, keepdim: true) * b.norm(1, keepdim: true));
                Tensor N(Tensor x)
                {
                    var n = x.norm(1, keepdim: true);
                    x = x + 1;
                    return x / n;
                }
                Tensor P(Tensor x, bool keep) => x / x.norm(1, keepdim: keep);
                Tensor Q(Tensor x) => x / linalg.vector_norm(x, 1, new long[] { 1 }, true);
                Tensor R(Tensor x) => F.normalize(x, 2.0, 1);
                Tensor S(Tensor a, Tensor b) => (a * b).sum() / (a.norm() * b.norm());
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        var source = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor
                    {
                        public Tensor norm(int dim, bool keepdim = false, float p = 2.0f) => this;
                        public static Tensor operator /(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x / x.norm(1, keepdim: true);
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
