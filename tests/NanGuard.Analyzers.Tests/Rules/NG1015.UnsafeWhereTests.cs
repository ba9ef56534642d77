using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.UnsafeWhereAnalyzer,
    NanGuard.CodeFixes.Rules.UnsafeWhereCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class UnsafeWhereTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Log_in_the_kept_branch_gets_a_double_where() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y)
                {
                    var c = x > 0;
                    return torch.where(c, [|torch.log(x)|], y);
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y)
                {
                    var c = x > 0;
                    return torch.where(c, torch.log(torch.where(c, x, torch.ones_like(x))), y);
                }
            }
            """);

    [Fact]
    public Task Division_in_the_other_branch_gets_ones_on_the_kept_side() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor a, Tensor b, Tensor z) => torch.where(b == 0, z, [|a / b|]);
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor a, Tensor b, Tensor z) => torch.where(b == 0, z, a / torch.where(b == 0, torch.ones_like(b), b));
            }
            """);

    [Fact]
    public Task Instance_where_and_instance_log() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor c, Tensor y) => [|x.log()|].where(c, y);
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor c, Tensor y) => torch.where(c, x, torch.ones_like(x)).log().where(c, y);
            }
            """);

    [Fact]
    public Task Using_static_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor c, Tensor x, Tensor y) => where(c, [|log(x)|], y);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor c, TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor y) =>
                    TorchSharp.torch.where(c, [|TorchSharp.torch.log(x)|], y);
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor c, Tensor x, Tensor y) => where(c, log(where(c, x, ones_like(x))), y);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor c, TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor y) =>
                    TorchSharp.torch.where(c, TorchSharp.torch.log(TorchSharp.torch.where(c, x, TorchSharp.torch.ones_like(x))), y);
            }
            """);

    [Fact]
    public Task Branch_through_a_local_is_reported_without_a_fix() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor c, Tensor y)
                {
                    var l = torch.log(x);
                    return torch.where(c, [|l|], y);
                }
                Tensor B(Tensor x, Tensor y) => torch.where(x.gt(0), [|torch.log(x)|], y);
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor x) => torch.where(x > 0, [|x.log()|], x);
            }

            class C
            {
                Func<Tensor, Tensor> f = x => torch.where(x > 0, [|torch.log(x)|], x);
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => torch.where(y != 0, [|1 / y|], y);
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor c, Tensor y) => torch.where(c, torch.log(torch.where(c, x, torch.ones_like(x))), y);
                Tensor B(Tensor x, Tensor c, Tensor y) => torch.where(c, torch.log(x.clamp_min(1e-8)), y);
                Tensor D(Tensor a, Tensor b, Tensor c) => torch.where(c, a / (b + 1e-8), a);
                Tensor E(Tensor a, Tensor c) => torch.where(c, a / 2, a);
                Tensor G(Tensor x, Tensor c, Tensor y) => torch.where(c, torch.exp(x), y);
                Tensor H(Tensor x) => torch.log(x);
            }
            """);

    [Fact]
    public Task Fix_all_fixes_every_occurrence() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor c, Tensor x, Tensor a) => torch.where(c, [|torch.log(x)|], [|a / x|]);
                Tensor B(Tensor c, Tensor x) => torch.where(c, x, [|x.log()|]);
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor c, Tensor x, Tensor a) => torch.where(c, torch.log(torch.where(c, x, torch.ones_like(x))), a / torch.where(c, torch.ones_like(x), x));
                Tensor B(Tensor c, Tensor x) => torch.where(c, x, torch.where(c, torch.ones_like(x), x).log());
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
                    public sealed class Tensor { public Tensor log() => this; }
                    public static Tensor where(Tensor condition, Tensor x, Tensor y) => x;
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor c, TorchSharp.torch.Tensor x) => TorchSharp.torch.where(c, x.log(), x);
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
