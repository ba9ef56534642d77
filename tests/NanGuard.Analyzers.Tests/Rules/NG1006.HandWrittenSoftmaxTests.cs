using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.HandWrittenSoftmaxAnalyzer,
    NanGuard.CodeFixes.Rules.HandWrittenSoftmaxCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class HandWrittenSoftmaxTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Static_and_instance_forms_become_softmax() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.exp(x) / torch.exp(x).sum(1, keepdim: true)|];
                Tensor B(Tensor x) => [|x.exp() / x.exp().sum(-1, true)|];
                Tensor D(Tensor x) => [|torch.exp(x) / torch.sum(torch.exp(x), dim: 0, keepdim: true)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => F.softmax(x, 1);
                Tensor B(Tensor x) => x.softmax(-1);
                Tensor D(Tensor x) => F.softmax(x, dim: 0);
            }
            """);

    [Fact]
    public Task The_same_exp_through_a_local() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor logits)
                {
                    var e = torch.exp(logits);
                    return [|e / e.sum(1, keepdim: true)|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor logits)
                {
                    return F.softmax(logits, 1);
                }
            }
            """);

    [Fact]
    public Task Using_static_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x) => [|exp(x) / exp(x).sum(1, true)|];
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) =>
                    [|TorchSharp.torch.exp(x) / TorchSharp.torch.exp(x).sum(1, true)|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x) => nn.functional.softmax(x, 1);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) =>
                    nn.functional.softmax(x, 1);
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(10, 3);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor input)
                {
                    var h = fc.call(input);
                    return [|h.exp() / h.exp().sum(1, keepdim: true)|];
                }
            }

            class C
            {
                Func<Tensor, Tensor> f = x => [|x.exp() / x.exp().sum(1, true)|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|torch.exp(y) / torch.exp(y).sum(1, true)|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor Field = torch.ones(3);
                Tensor A(Tensor x) => F.softmax(x, 1);
                Tensor B(Tensor x, Tensor z) => torch.exp(x) / torch.exp(z).sum(1, true);
                Tensor D(Tensor x) => torch.exp(x) / torch.exp(x).sum(1);
                Tensor E(Tensor x) => torch.exp(x) / (torch.exp(x).sum(1, true) + 1);
                Tensor G(Tensor x) => x / x.sum(1, true);
                Tensor H(Tensor x)
                {
                    var y = x;
                    var e = torch.exp(y);
                    y = y * 2;
                    return e / torch.exp(y).sum(1, true);
                }
            }
            """);

    // A max taken through the (values, indexes) pair and subtracted from the variable it was taken of: exp is at most
    // 1, however often the variable was written before the max (a temperature applied in a branch).
    [Fact]
    public Task Shifted_by_a_max_taken_of_a_variable_written_before_it_is_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor logits, float? temperature)
                {
                    Tensor value = logits.to(ScalarType.Float32);
                    if (temperature.HasValue)
                        value /= temperature.Value;
                    Tensor largest = torch.max(value, 1, true).values;
                    Tensor e = torch.exp(value - largest);
                    return e / torch.sum(e, 1, true);
                }

                Tensor B(Tensor logits, int steps)
                {
                    var value = logits * 2;
                    for (var i = 0; i < steps; i++)
                    {
                        value = value * 0.5;
                        var largest = value.max(1, true).values;
                        var e = (value - largest).exp();
                        logits = e / e.sum(1, true);
                    }
                    return logits;
                }
            }
            """);

    // The same shapes where the value may have changed between the max and the subtraction, or where the pair's
    // second element (the indexes) is subtracted: nothing bounds the exponent.
    [Fact]
    public Task A_max_the_subtracted_value_has_moved_away_from_is_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor logits)
                {
                    Tensor value = logits.to(ScalarType.Float32);
                    Tensor largest = torch.max(value, 1, true).values;
                    value *= 100;
                    Tensor e = torch.exp(value - largest);
                    return {|#0:e / torch.sum(e, 1, true)|};
                }

                Tensor B(Tensor logits, int steps)
                {
                    var value = logits * 2;
                    var largest = value.max(1, true).values;
                    for (var i = 0; i < steps; i++)
                    {
                        var e = (value - largest).exp();
                        logits = {|#1:e / e.sum(1, true)|};
                        value = value * 2;
                    }
                    return logits;
                }

                Tensor D(Tensor logits)
                {
                    var value = logits * 2;
                    var e = (value - value.max(1, true).indexes).exp();
                    return {|#2:e / e.sum(1, true)|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0), Verify.Diagnostic().WithLocation(1), Verify.Diagnostic().WithLocation(2));

    [Fact]
    public Task No_fix_with_a_dtype_on_the_sum() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x.exp() / x.exp().sum(1, true, ScalarType.Float64)|];
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
                        public Tensor exp() => this;
                        public Tensor sum(long d, bool keepdim) => this;
                        public static Tensor operator /(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x.exp() / x.exp().sum(1, true);
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
