using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.XLogYAnalyzer,
    NanGuard.CodeFixes.Rules.XLogYCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class XLogYTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Entropy_term_static_log_becomes_xlogy() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Entropy(Tensor p) => -([|p * torch.log(p)|]).sum();
            }
            """, Usings + """
            class C
            {
                Tensor Entropy(Tensor p) => -(torch.xlogy(p, p)).sum();
            }
            """);

    [Fact]
    public Task Instance_log_on_the_left_becomes_xlogy_with_the_factor_first() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Entropy(Tensor p) => ([|p.log() * p|]).sum();
            }
            """, Usings + """
            class C
            {
                Tensor Entropy(Tensor p) => (torch.xlogy(p, p)).sum();
            }
            """);

    [Fact]
    public Task Binary_entropy_term_written_twice() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor H(Tensor p) => [|(1 - p) * torch.log(1 - p)|];
            }
            """, Usings + """
            class C
            {
                Tensor H(Tensor p) => torch.xlogy(1 - p, 1 - p);
            }
            """);

    [Fact]
    public Task Target_times_log_of_a_probability_normalised_by_hand() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor counts, Tensor y)
                {
                    var p = counts / counts.sum(1, keepdim: true);
                    return -([|y * torch.log(p)|]).sum();
                }
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor counts, Tensor y)
                {
                    var p = counts / counts.sum(1, keepdim: true);
                    return -(torch.xlogy(y, p)).sum();
                }
            }
            """);

    [Fact]
    public Task Using_static_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor p) => [|p * log(p)|];
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor p) => [|p * TorchSharp.torch.log(p)|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor p) => xlogy(p, p);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor p) => TorchSharp.torch.xlogy(p, p);
            }
            """);

    [Fact]
    public Task Log_through_a_local_assigned_once() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor H(Tensor p)
                {
                    var logp = torch.log(p);
                    return [|p * logp|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor H(Tensor p)
                {
                    return torch.xlogy(p, p);
                }
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor p) => ([|p * p.log()|]).sum();
            }

            class C
            {
                Func<Tensor, Tensor> f = p => [|p * torch.log(p)|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor q) => [|q.log() * q|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // A log of something that is not a probability of the other factor.
                Tensor A(Tensor w, Tensor sigma) => w * torch.log(sigma);
                // Already guarded.
                Tensor B(Tensor p) => p * torch.log(p + 1e-8);
                Tensor D(Tensor p) => p * torch.log(p.clamp_min(1e-8));
                Tensor E(Tensor p) => torch.xlogy(p, p);
                // A scalar factor.
                Tensor G(Tensor p) => 0.5 * torch.log(p);
                Tensor H(Tensor p, Tensor q) => p * torch.log(q);
                Tensor I(Tensor p)
                {
                    var q = p;
                    q = p * 2;
                    return q * torch.log(p);
                }
            }
            """);

    [Fact]
    public Task Logs_of_softmax_and_sigmoid_are_left_to_NG1001_NG1002_and_NG1003() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => -(y * torch.log(F.softmax(x, 1))).sum();
                Tensor B(Tensor x)
                {
                    var p = F.softmax(x, 1);
                    return -(p * torch.log(p)).sum(1);
                }
                Tensor D(Tensor x)
                {
                    var s = torch.sigmoid(x);
                    return s * torch.log(s) + (1 - s) * torch.log(1 - s);
                }
            }
            """);

    // Methods whose every return is a probability: a softmax, a sigmoid (also through a local), an average of softmaxes.
    private const string ProbabilityMethods = Usings + """
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 3);
                public Net() : base("Net") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
                public Tensor Probabilities(Tensor x) => F.softmax(forward(x), 1);
            }

            class C
            {
                static Tensor Probs(Tensor logits) => F.softmax(logits, 1);

                static Tensor Gate(Tensor z)
                {
                    if (z.dim() > 1)
                        return torch.sigmoid(z);
                    var g = z.sigmoid();
                    return g;
                }

                static Tensor Ensemble(Tensor a, Tensor b) => (F.softmax(a, 1) + b.softmax(1)) / 2;

            """;

    [Fact]
    public Task Target_times_log_of_a_probability_returned_by_a_method_of_the_users_own() =>
        Verify.VerifyCodeFixAsync(ProbabilityMethods + """
                Tensor A(Tensor y, Tensor x) => -([|y * torch.log(Probs(x))|]).sum();
                Tensor B(Tensor y, Tensor z) => [|Gate(z).log() * y|];
                Tensor D(Tensor y, Tensor a, Tensor b)
                {
                    var p = Ensemble(a, b);
                    return [|y * torch.log(p)|];
                }
                Tensor E(Net net, Tensor y, Tensor x) => [|y * torch.log(net.Probabilities(x))|];
                Tensor G(Tensor y, Tensor x)
                {
                    Tensor Local(Tensor t) => t.softmax(-1);
                    return [|y * Local(x).log()|];
                }
            }
            """, ProbabilityMethods + """
                Tensor A(Tensor y, Tensor x) => -(torch.xlogy(y, Probs(x))).sum();
                Tensor B(Tensor y, Tensor z) => torch.xlogy(y, Gate(z));
                Tensor D(Tensor y, Tensor a, Tensor b)
                {
                    var p = Ensemble(a, b);
                    return torch.xlogy(y, p);
                }
                Tensor E(Net net, Tensor y, Tensor x) => torch.xlogy(y, net.Probabilities(x));
                Tensor G(Tensor y, Tensor x)
                {
                    Tensor Local(Tensor t) => t.softmax(-1);
                    return torch.xlogy(y, Local(x));
                }
            }
            """);

    [Fact]
    public Task Methods_that_may_return_something_else_are_not_probabilities() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System.Collections.Generic;

            class Base
            {
                public virtual Tensor Probs(Tensor x) => F.softmax(x, 1);
            }

            class C : Base
            {
                static Tensor Same(Tensor x) => x;
                static Tensor Mixed(Tensor x)
                {
                    if (x.dim() > 1)
                        return F.softmax(x, 1);
                    return x;
                }
                static Tensor Sum(Tensor a, Tensor b) => F.softmax(a, 1) + F.softmax(b, 1);
                static Tensor WrongAverage(Tensor a, Tensor b) => (F.softmax(a, 1) + F.softmax(b, 1)) / 3;
                static Tensor Scaled(Tensor a) => F.softmax(a, 1) / 2;
                static Tensor LogProbs(Tensor x) => F.log_softmax(x, 1);
                static Tensor Lambda(Tensor x)
                {
                    System.Func<Tensor, Tensor> f = t => t.softmax(1);
                    return f(x) + 1;
                }

                Tensor A(Tensor y, Tensor p) => y * torch.log(p);
                Tensor B(Tensor y, Tensor x) => y * torch.log(Same(x));
                Tensor D(Tensor y, Tensor x) => y * torch.log(Mixed(x));
                Tensor E(Tensor y, Tensor a, Tensor b) => y * torch.log(Sum(a, b)) + y * torch.log(WrongAverage(a, b));
                Tensor G(Tensor y, Tensor a) => y * torch.log(Scaled(a)) + y * LogProbs(a).log();
                Tensor H(Tensor y, Tensor x) => y * torch.log(Probs(x)) + y * torch.log(Lambda(x));
            }
            """);

    [Fact]
    public Task Fix_all_fixes_every_occurrence() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor p) => [|p * torch.log(p)|] + [|p.log() * p|];
                Tensor B(Tensor q) => -([|q * q.log()|]);
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor p) => torch.xlogy(p, p) + torch.xlogy(p, p);
                Tensor B(Tensor q) => -(torch.xlogy(q, q));
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
                        public Tensor log() => this;
                        public static Tensor operator *(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor p) => p * p.log();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
