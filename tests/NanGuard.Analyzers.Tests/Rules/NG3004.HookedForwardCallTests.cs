using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.HookedForwardCallAnalyzer,
    NanGuard.CodeFixes.Rules.HookedForwardCallCodeFix>;
using VerifyDirectForward = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.DirectForwardCallAnalyzer,
    NanGuard.CodeFixes.Rules.DirectForwardCallCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class HookedForwardCallTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        """;

    [Fact]
    public async Task Local_with_a_forward_hook_run_through_forward_becomes_call()
    {
        var test = Verify.Test();
        test.TestCode = Usings + """
            class C
            {
                Tensor Run(Tensor x)
                {
                    var model = nn.Linear(4, 2);
                    var seen = 0;
                    var handle = {|#1:model.register_forward_hook((m, input, output) => { seen++; return output; })|};
                    return {|#0:model.forward(x)|};
                }
            }
            """;
        test.FixedCode = Usings + """
            class C
            {
                Tensor Run(Tensor x)
                {
                    var model = nn.Linear(4, 2);
                    var seen = 0;
                    var handle = model.register_forward_hook((m, input, output) => { seen++; return output; });
                    return model.call(x);
                }
            }
            """;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
            .WithMessage("model has forward hooks (register_forward_hook) that forward() never runs; call model.call(...)"));
        await test.RunAsync();
    }

    [Fact]
    public Task Pre_hook_on_a_parameter_in_a_lambda_and_a_module_hook() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Run(nn.Module<Tensor, Tensor> model, Linear other, Tensor x)
                {
                    model.register_forward_pre_hook((m, input) => input);
                    other.register_forward_hook(m => Console.WriteLine(m.GetName()));
                    Func<Tensor, Tensor> run = t => [|model.forward(t)|];
                    return run([|other.forward(x)|]);
                }
            }
            """, Usings + """
            class C
            {
                Tensor Run(nn.Module<Tensor, Tensor> model, Linear other, Tensor x)
                {
                    model.register_forward_pre_hook((m, input) => input);
                    other.register_forward_hook(m => Console.WriteLine(m.GetName()));
                    Func<Tensor, Tensor> run = t => model.call(t);
                    return run(other.call(x));
                }
            }
            """);

    [Fact]
    public Task Field_hooked_in_the_constructor_and_run_elsewhere_in_the_type() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class Trainer
            {
                private readonly Linear model = nn.Linear(4, 2);
                private Linear Probe { get; } = nn.Linear(2, 2);

                public Trainer()
                {
                    model.register_forward_hook((m, input, output) => output);
                    this.Probe.register_forward_hook((m, input, output) => output);
                }

                public Tensor Predict(Tensor x) => [|Probe.forward([|this.model.forward(x)|])|];
            }
            """, Usings + """
            class Trainer
            {
                private readonly Linear model = nn.Linear(4, 2);
                private Linear Probe { get; } = nn.Linear(2, 2);

                public Trainer()
                {
                    model.register_forward_hook((m, input, output) => output);
                    this.Probe.register_forward_hook((m, input, output) => output);
                }

                public Tensor Predict(Tensor x) => Probe.call(this.model.call(x));
            }
            """);

    private const string HookedSubmodule = """
        sealed class Net : nn.Module<Tensor, Tensor>
        {
            private readonly Linear fc = nn.Linear(4, 2);

            public Net() : base("Net")
            {
                RegisterComponents();
                {|#1:fc.register_forward_hook((m, input, output) => output)|};
            }

            public override Tensor forward(Tensor x) => {|#0:fc.forward(x)|};
        }
        """;

    [Fact]
    public async Task A_hooked_submodule_in_forward_is_this_rule_and_not_NG3003()
    {
        await Verify.VerifyAnalyzerAsync(Usings + HookedSubmodule,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("fc has forward hooks (register_forward_hook) that forward() never runs; call fc.call(...)"));
        // NG3003 alone runs this rule, which outranks it at the same call: one finding per call.
        await VerifyDirectForward.VerifyAnalyzerAsync(Usings + HookedSubmodule.Replace("{|#0:", "").Replace("{|#1:", "").Replace(")|};", ");"));
    }

    [Fact]
    public async Task A_NanDetector_built_on_the_model()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.TestCode = Usings + """
            class C
            {
                void Check(Linear model, Tensor x)
                {
                    using var detector = {|#1:new NanGuard.Runtime.NanDetector(model, detectAnomaly: true)|};
                    using var output = {|#0:model.forward(x)|};
                }
            }
            """;
        test.FixedCode = Usings + """
            class C
            {
                void Check(Linear model, Tensor x)
                {
                    using var detector = new NanGuard.Runtime.NanDetector(model, detectAnomaly: true);
                    using var output = model.call(x);
                }
            }
            """;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1)
            .WithMessage("model has forward hooks (a NanDetector) that forward() never runs; call model.call(...)"));
        await test.RunAsync();
    }

    [Fact]
    public Task No_fix_where_a_named_argument_would_not_bind() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor Run(Linear fc, Tensor x)
                {
                    fc.register_forward_hook((m, input, output) => output);
                    return [|fc.forward(tensor: x)|];
                }
            }
            """);

    [Fact]
    public async Task Call_with_hooks_forward_without_hooks_and_other_modules_are_not_reported()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        var source = Usings + """
            class Trainer
            {
                private readonly Linear hooked = nn.Linear(4, 4);
                private readonly Linear plain = nn.Linear(4, 4);

                public Trainer() => hooked.register_forward_hook((m, input, output) => output);

                Tensor Run(Trainer other, Linear a, Linear b, Tensor x)
                {
                    a.register_forward_hook((m, input, output) => output);
                    using var detector = new NanGuard.Runtime.NanDetector(b);
                    var c = nn.Linear(4, 4);
                    var h = a.call(x);
                    h = b.call(h);
                    h = c.forward(h);
                    h = plain.forward(h);
                    h = hooked.call(h);
                    return other.hooked.forward(h);
                }

                Tensor Elsewhere(Linear a, Tensor x) => a.forward(x);
            }
            """;
        test.TestCode = source;
        test.FixedCode = source;
        await test.RunAsync();
    }

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
                    public sealed class Tensor { }
                    public static class nn
                    {
                        public abstract class Module
                        {
                            public virtual Tensor forward(Tensor x) => x;
                            public void register_forward_hook(System.Action<Module> hook) { }
                        }
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor Run(TorchSharp.torch.nn.Module model, TorchSharp.torch.Tensor x)
                {
                    model.register_forward_hook(m => { });
                    return model.forward(x);
                }
            }
            """;
        test.TestCode = source;
        test.FixedCode = source;
        await test.RunAsync();
    }
}
